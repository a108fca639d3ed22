"""The browser playground: the trained models exported for a page that runs them itself."""
