"""Files in and out: reading the files shapegen is given as untrusted (sizes, zip archives,
JSON, HDF5), writing the pipeline's outputs atomically, and saving the .keras archive
byte-stable."""
