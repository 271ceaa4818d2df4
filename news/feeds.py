"""A hub's news as an Atom feed (/hubs/<slug>/news/feed/), through django.contrib.syndication: the same
current items as the page, in the reader's language (Accept-Language, or the language chosen on the site)."""

from datetime import time

from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from carehub import errors
from carehub import selectors as core_selectors
from carehub.timezones import local_datetime

from . import selectors


class HubNewsFeed(Feed):
    feed_type = Atom1Feed

    def get_object(self, request, slug):
        try:
            hub = core_selectors.hub_by_slug(slug)
        except errors.DomainError:
            raise Http404
        # On the hub, not on the feed: one Feed instance serves every request.
        hub.shown_items = selectors.in_language(selectors.current_news(hub), (get_language() or "ca")[:2])
        return hub

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        response["Vary"] = "Accept-Language, Cookie"
        return response

    def title(self, hub):
        return _("News of %(hub)s") % {"hub": hub.name}

    def subtitle(self, hub):
        return _("Announcements of the Vila Veïna care hub %(hub)s.") % {"hub": hub.name}

    def link(self, hub):
        return reverse("hub-news", kwargs={"slug": hub.slug})

    def feed_url(self, hub):
        return reverse("hub-news-feed", kwargs={"slug": hub.slug})

    def feed_guid(self, hub):
        return self.link(hub)

    def items(self, hub):
        return hub.shown_items

    def item_title(self, shown):
        return shown.title

    def item_description(self, shown):
        return shown.body

    def item_link(self, shown):
        return shown.item.get_absolute_url()

    def item_pubdate(self, shown):
        return local_datetime(shown.item.publish_on, time.min)

    def item_updateddate(self, shown):
        return shown.item.updated_at
