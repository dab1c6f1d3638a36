"""Two sample users with profiles: alice (North) and bob (South); password: <name>-password."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand

from analytics.models import Profile

USERS = {
    "alice": ("North", ["Paris", "London", "Berlin"]),
    "bob": ("South", ["New York", "Toronto", "São Paulo"]),
}


class Command(BaseCommand):
    help = __doc__

    def handle(self, *args: object, **options: object) -> None:
        for name, (region, offices) in USERS.items():
            user, created = get_user_model().objects.get_or_create(username=name)
            if created:
                user.set_password(f"{name}-password")
                user.save()
            Profile.objects.update_or_create(
                user=user, defaults={"region": region, "offices": offices}
            )
        self.stdout.write(f"users: {', '.join(USERS)}")
