"""Demo news for `manage.py load_demo`: three to five announcements per hub (one scheduled, one already
ended, the others current; the first hub's with Spanish and English versions), and about a tenth of each
hub's people (the `carer` among them) subscribed to its monthly digest. Rows are inserted in bulk with their
history (simple-history's `bulk_create_with_history`), so the demo stays fast."""

from datetime import timedelta

from simple_history.utils import bulk_create_with_history

from .models import DigestSubscription, NewsItem
from .selectors import can_get_digest

ANNOUNCEMENTS = [
    ("Nou horari d'estiu", "Del juliol al setembre obrim de dilluns a dijous de 9 a 14 h. Els dimarts a la tarda "
     "continuem amb el punt d'informació per a persones cuidadores.",
     {"es": ("Nuevo horario de verano", "De julio a septiembre abrimos de lunes a jueves de 9 a 14 h. Los martes "
             "por la tarde seguimos con el punto de información para personas cuidadoras."),
      "en": ("New summer opening hours", "From July to September we open Monday to Thursday, 9 am to 2 pm. On "
             "Tuesday afternoons the information point for carers stays open.")}),
    ("Tramitem la Targeta Cuidadora", "Si cuides una persona amb dependència, et podem ajudar a demanar la Targeta "
     "Cuidadora. Porta el DNI i, si en tens, la resolució del grau de dependència.",
     {"es": ("Tramitamos la Tarjeta Cuidadora", "Si cuidas a una persona con dependencia, te ayudamos a pedir la "
             "Tarjeta Cuidadora. Trae el DNI y, si la tienes, la resolución del grado de dependencia.")}),
    ("Cerquem voluntàries per al banc de préstec", "Necessitem mans per revisar i netejar cadires de rodes i "
     "caminadors els dijous al matí. Passa per la Vila Veïna o truca'ns.", {}),
    ("Tancat per festa major", "El dia de la festa major del barri la Vila Veïna estarà tancada. Bona festa!", {}),
    ("Xerrada: cuidar sense cremar-se", "Una psicòloga ens parlarà de com detectar el cansament de la persona "
     "cuidadora i on demanar un respir. Places limitades.", {}),
]
SUBSCRIBED_SHARE = 0.1


def load(ctx) -> None:
    today, rng = ctx.today, ctx.rng
    coordinator = ctx.users.get("coordinator")
    items, subscriptions = [], []
    for index, hub in enumerate(ctx.hubs):
        chosen = ANNOUNCEMENTS if hub.pk == ctx.first_hub.pk else rng.sample(ANNOUNCEMENTS, rng.randint(3, 4))
        for n, (title, body, versions) in enumerate(chosen):
            if n == 0:
                publish_on, ends_on = today + timedelta(days=5), None  # scheduled
            elif n == len(chosen) - 1:
                publish_on, ends_on = today - timedelta(days=60), today - timedelta(days=30)  # ended
            else:
                publish_on, ends_on = today - timedelta(days=rng.randint(1, 25)), today + timedelta(days=40)
            translations = ({code: {"title": t, "body": b} for code, (t, b) in versions.items()}
                            if hub.pk == ctx.first_hub.pk else {})
            created = ctx.now - timedelta(days=max((today - publish_on).days, 0) + 1)
            items.append(NewsItem(hub=hub, language="ca", title=title, body=body, translations=translations,
                                  publish_on=publish_on, ends_on=ends_on, created_at=created, updated_at=created,
                                  created_by=coordinator if hub.pk == ctx.first_hub.pk else None))
        people = ctx.people[hub.slug]
        chosen_people = [p for p in people if can_get_digest(p) and rng.random() < SUBSCRIBED_SHARE]
        if index == 0 and people and people[0] not in chosen_people:
            chosen_people.insert(0, people[0])  # the demo caregiver gets the first hub's digest
        for person in chosen_people:
            since = max(person.created_at, ctx.now - timedelta(days=rng.randint(10, 300)))
            subscriptions.append(DigestSubscription(person=person, hub=hub, subscribed_at=since))
    bulk_create_with_history(items, NewsItem, batch_size=500, default_user=coordinator)
    bulk_create_with_history(subscriptions, DigestSubscription, batch_size=500)
