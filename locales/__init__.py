"""Translations: the .po catalogs of every string a person reads (Vietnamese first, English),
compiled in memory by `catalogs` without aiogram, so the command line and the domain use them."""
