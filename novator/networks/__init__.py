"""Networks of a leader organisation (МЛСВ) and its partners: agreements, yearly plans whose items
are events, and the annual network report."""
