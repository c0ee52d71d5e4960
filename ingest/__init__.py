"""Knowledge pipeline: loaders, chunking, embeddings and the hybrid knowledge index.

This package never imports `bot`: it takes plain parameters, not the app's settings.
"""
