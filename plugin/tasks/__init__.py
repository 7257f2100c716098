"""``QgsTask`` subclasses that run engine functions off the GUI thread."""
