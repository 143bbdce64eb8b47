"""Photos as residents' phones send them, for the tests of every channel that takes one."""

from io import BytesIO

from PIL import Image

GPS_IFD = 0x8825


def phone_photo() -> bytes:
    """40×20 pixels stored sideways (orientation 6), with the maker and a GPS tag: what a
    phone sends, and what must not leave the server."""
    image = Image.new("RGB", (40, 20), "red")
    exif = Image.Exif()
    exif[0x0112] = 6  # rotate 90° clockwise to show
    exif[0x010F] = "PhoneMaker"
    exif.get_ifd(GPS_IFD)[2] = (21.0, 1.0, 2.0)  # latitude
    out = BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()
