"""News for residents no chat reaches (they filed on the web, or staff logged their call):
the web's news courier sends each step of their case by Web Push to the browsers that asked
for it, else by SMS to the phone they gave. The case's page always shows it too."""
