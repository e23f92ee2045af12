"""Tools around the product, outside its core: the command line and the demo data."""
