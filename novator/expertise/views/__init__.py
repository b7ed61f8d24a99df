"""Pages of the expertise: the commission, the expert's sheets, the ranking and the documents."""
