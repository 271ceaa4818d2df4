from django.urls import path, register_converter

from . import views
from .tags import TagConverter

app_name = "lending"

register_converter(TagConverter, "tag")

urlpatterns = [
    # Public: which hubs have an item of each type available now (other pages link to this name).
    path("", views.availability, name="availability"),
    path("waiting-list/", views.join_waitlist, name="join-waitlist"),
    path("desk/", views.desk, name="desk"),
    path("desk/find/", views.find, name="find"),
    path("items/", views.stock_items, name="items"),
    path("items/new/", views.take_in, name="take-in"),
    path("labels/", views.label_sheet, name="label-sheet"),
    path("items/<tag:tag>/", views.item_detail, name="item"),
    path("items/<tag:tag>/lend/", views.lend, name="lend"),
    path("items/<tag:tag>/label/", views.label, name="label"),
    path("items/<tag:tag>/label.svg", views.label_svg, name="label-svg"),
    path("items/<tag:tag>/barcode.svg", views.barcode_svg, name="barcode-svg"),
    path("items/<tag:tag>/<slug:action>/", views.item_action, name="item-action"),
    path("loans/", views.loan_list, name="loans"),
    path("loans/<int:pk>/", views.loan_detail, name="loan"),
    path("loans/<int:pk>/agreement/", views.loan_agreement, name="loan-agreement"),
    path("loans/<int:pk>/request-renewal/", views.request_renewal, name="request-renewal"),
    path("loans/<int:pk>/<slug:action>/", views.loan_action, name="loan-action"),
    path("stock/", views.stock, name="stock"),
    path("holds/", views.holds, name="holds"),
    path("holds/new/", views.hold_new, name="hold-new"),
    path("holds/<int:pk>/leave/", views.cancel_own_hold, name="leave-hold"),
    path("holds/<int:pk>/<slug:action>/", views.hold_action, name="hold-action"),
    path("transfers/", views.transfers, name="transfers"),
    path("transfers/<int:pk>/<slug:action>/", views.transfer_action, name="transfer-action"),
]
