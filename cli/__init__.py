"""`pakn`, the command line: an entry point over services/ for those who run the installation
(communes, staff, calendar, reports, import/export, backups). It is not part of the bot."""
