"""Service layer: one function per use case, taking simple values and a unit of work."""
