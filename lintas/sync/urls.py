"""Sync URLs: included once at the root, so the protocol sits under /api/sync/ and the
status pages under /sync/ (the ninja API at /api/ has no route of these names)."""

from django.urls import path

from lintas.sync import views

app_name = "sync"

urlpatterns = [
    path("api/sync/push", views.push, name="push"),
    path("api/sync/pull", views.pull, name="pull"),
    path("api/sync/enrol", views.enrol, name="enrol"),
    path("api/sync/rotate", views.rotate, name="rotate"),
    path("api/sync/hello", views.hello, name="hello"),
    path("sync/", views.status, name="status"),
    path("sync/nodes/issue", views.node_issue, name="node_issue"),
    path("sync/nodes/<slug:code>/revoke", views.node_revoke, name="node_revoke"),
    path(
        "sync/conflicts/<uuid:conflict_id>/resolve",
        views.conflict_resolve,
        name="conflict_resolve",
    ),
    path(
        "sync/security/<uuid:event_id>/review",
        views.security_review,
        name="security_review",
    ),
]
