"""Documents the product reads and writes: sheets, Word, PDF, calendar invites, plots."""
