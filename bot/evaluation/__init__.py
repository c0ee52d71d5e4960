"""Measuring retrieval (`cxbot eval`) and answers (`cxbot eval --answers`)."""
