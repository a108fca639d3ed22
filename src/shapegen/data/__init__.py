"""The training data: what a rectangle and a shape of each family is, the turtle moves the
shapes' models read and write, and the two datasets' HDF5 formats."""
