"""Pure model and runtime: no pygame, no yaml, no file I/O."""
