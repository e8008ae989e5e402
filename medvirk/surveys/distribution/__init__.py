"""Distribution: links, QR posters, single-use codes, e-mail invitations, reminders and paper entry."""
