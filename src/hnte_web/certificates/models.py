"""高新技术企业证书: the number (GR + year + province code + serial), the issue date and three years' validity.

Measures 2016 Art. 9: "通过认定的高新技术企业，其资格自颁发证书之日起有效期为三年。" The Leading Group Office issues the
certificate numbers (Art. 7; 工作指引: "公告，核发证书编号，由认定机构向企业颁发"); the number's shape follows the
certificates in use, e.g. GR202435001188: GR, the year 2024, province 35, serial 001188.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

SERIAL_DIGITS = 6


def certificate_number(year: int, province: str, serial: int) -> str:
    return f"GR{year:04d}{province}{serial:0{SERIAL_DIGITS}d}"


class CertificateSerial(models.Model):
    """The last serial issued per year and province: allocated under a row lock in the issuing transaction, so the
    serials have no gaps (a rolled-back issue rolls its serial back) and never repeat."""

    year = models.IntegerField()
    province = models.CharField(max_length=2)
    last = models.IntegerField(default=0)

    class Meta:
        unique_together = [("year", "province")]


class Certificate(models.Model):
    application = models.OneToOneField("applications.Application", on_delete=models.PROTECT, related_name="certificate")
    number = models.CharField(max_length=16, unique=True)
    year = models.IntegerField()
    province = models.CharField(max_length=2)
    serial = models.IntegerField()
    enterprise_name = models.CharField(max_length=200)  # as on the certificate
    credit_code = models.CharField(max_length=18)
    issued_on = models.DateField()
    valid_until = models.DateField()  # the last day of validity
    issuer = models.CharField(max_length=100)  # the identification office named on the certificate
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    issued_at = models.DateTimeField(auto_now_add=True)
    pdf_sha256 = models.CharField(max_length=64, blank=True)  # of the printed certificate, once printed

    class Meta:
        ordering = ["-issued_on", "-id"]
        unique_together = [("year", "province", "serial")]

    def __str__(self) -> str:
        return self.number
