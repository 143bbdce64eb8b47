"""Personal data: a resident's erasure on request, and the retention job that makes old data
anonymous."""
