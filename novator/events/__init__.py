"""Events and conferences: sections and talks, registrations with a waitlist, check-in, proceedings,
certificates with verification and the iCalendar feeds."""
