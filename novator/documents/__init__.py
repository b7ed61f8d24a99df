"""The requisites of the bodies that issue documents (stored once, used by every DOCX/PDF) and the
registration journal that numbers their outgoing orders per body and year."""
