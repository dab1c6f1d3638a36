from django.conf import settings
from django.db import models


class Profile(models.Model):
    """What the host app knows of a user that plotboard's access rules use."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    region = models.CharField(max_length=100)
    offices = models.JSONField(default=list)
