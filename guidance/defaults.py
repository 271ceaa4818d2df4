"""What every hub starts with: the attention topics (the coordinator may rename, reorder, retire or add) and the
built-in Carer's Card guide shown until someone writes the city's or the hub's own.

Plain data, no models: the seeding migration and `services.seed_default_topics` both read it. The names are
stored per language in the topic rows (they are content the coordinator edits, not interface strings).
"""

# (key, Catalan, Spanish, English); the key is what links, the API and the figures use.
DEFAULT_TOPICS = (
    ("care_resources", "Recursos de cura", "Recursos de cuidado", "Care resources"),
    ("carers_card", "Targeta de persona cuidadora", "Tarjeta de persona cuidadora", "Carer's Card"),
    ("dependency_assessment", "Valoració de la dependència", "Valoración de la dependencia",
     "Dependency assessment"),
    ("respite", "Respir", "Respiro", "Respite"),
    ("childcare", "Canguratge i infància", "Canguro e infancia", "Childcare"),
    ("home_help", "Ajuda a domicili", "Ayuda a domicilio", "Home help"),
    ("housing", "Habitatge", "Vivienda", "Housing"),
    ("employment", "Feina", "Empleo", "Employment"),
    ("legal", "Qüestions legals", "Cuestiones legales", "Legal"),
    ("emotional_support", "Suport emocional", "Apoyo emocional", "Emotional support"),
    ("other", "Altres", "Otros", "Other"),
)

# The topic whose attentions link to the Carer's Card guide.
CARERS_CARD_TOPIC = "carers_card"
