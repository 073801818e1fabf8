"""Import and export: vCard and CSV in the layouts phones and mail programs use, JSON backups."""
