"""Storage: the database, its tables, the outbox, the dossier, mail and the intake folder."""
