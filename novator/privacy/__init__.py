"""Personal data under 152-ФЗ: the access log, export of everything held on a person, erasure with an
act of destruction, consent scans and retention."""
