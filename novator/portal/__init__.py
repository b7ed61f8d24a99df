"""The site's front: the public pages, the home page of each role, the global search and the demo
data (`manage.py load_demo`)."""
