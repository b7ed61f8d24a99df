"""The registry: regions, municipalities (ОКТМО), organisations (ИНН/ОГРН) with their branches and
staff (`Person`, with 152-ФЗ consents); its pages, API, import and export."""
