from django.contrib.auth import views as auth_views
from django.urls import path

from analytics.views import plotboard_token

urlpatterns = [
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("plotboard-token", plotboard_token, name="plotboard-token"),
]
