"""How the system tells people things: in-app `Notification` rows and e-mail after commit (`notify()`),
each user's preferences, and the queued outgoing mail with retries."""
