"""Drawing shapes from a trained model in numpy, never TensorFlow: the network's forward
pass, the samplers behind one Generator interface, and the .keras file read without
Keras."""
