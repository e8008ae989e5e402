from django.urls import path

from . import views as respond

app_name = "respond"
urlpatterns = [
    path("code/", respond.code_entry, name="code"),
    path("i/<str:token>/", respond.invitation, name="invitation"),
    path("r/<str:token>/<int:number>/", respond.section, name="section"),
    path("r/<str:token>/done/", respond.done, name="done"),
    path("<str:link_key>/", respond.landing, name="landing"),
    path("<str:link_key>/kiosk/", respond.landing, {"kiosk": True}, name="kiosk"),
    path("<str:link_key>/start/", respond.start, name="start"),
]
