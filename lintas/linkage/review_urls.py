from django.urls import URLPattern, URLResolver, path

from lintas.linkage import review_views

urlpatterns: list[URLPattern | URLResolver] = [
    path("review/", review_views.review_queue, name="review_queue"),
    path("review/<uuid:proposal_id>/", review_views.proposal_review, name="proposal_review"),
    path("persons/<uuid:person_id>/", review_views.person_page, name="person"),
    path(
        "persons/<uuid:person_id>/undo/",
        review_views.person_record_undo,
        name="person_record_undo",
    ),
]
