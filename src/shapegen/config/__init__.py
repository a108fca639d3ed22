"""params.yaml: its keys declared (params), read and validated (validation), and described
for editors and readers (schema: params.schema.json, docs/params.md)."""
