"""The sub-topics of each axis: a curated term → sub-topic map, Spanish and English.

Matched as word-prefix regular expressions on the folded text (`text.fold`) of
the items already labelled with the axis. It names the themes the thesis and the
declarations use; it does not discover new ones (a theme absent from the map is
not listed).
"""
from __future__ import annotations

import re

SUBTOPICS: dict[str, list[tuple[str, str, str]]] = {
    "security": [
        ("drugs", "Narcotráfico y drogas",
         r"narcotrafic|drogas?\b|drug|narcotic|estupefacient|cocain|\bcoca\b|fentanyl|precursor"),
        ("terrorism", "Terrorismo", r"terroris"),
        ("organized_crime", "Crimen organizado transnacional",
         r"crimen organizado|delincuencia organizada|organi[sz]ed crime|transnational crim|criminal organi"),
        ("illegal_mining", "Minería y tala ilegales",
         r"mineria ilegal|illegal mining|tala ilegal|illegal logging|madera ilegal"),
        ("money_laundering", "Lavado de activos",
         r"lavado de (activos|dinero)|money laundering|illicit financ|financiamiento ilicito"),
        ("human_trafficking", "Trata de personas",
         r"trata de personas|human trafficking|trafficking in persons"),
        ("arms", "Tráfico de armas", r"trafico (ilicito )?de armas|arms traffick|firearm|municion|explosiv"),
        ("smuggling", "Contrabando", r"contrabando|smuggl"),
        ("defence", "Defensa y Fuerzas Armadas",
         r"defensa\b|defen[cs]e|fuerzas armadas|armed forces|militar|military|naval|ejercito|desminado|demining"),
        ("police", "Cooperación policial e inteligencia",
         r"polic[ie]|law enforcement|inteligencia|intelligence"),
        ("cyber", "Ciberseguridad y ciberdelito", r"ciber|cyber"),
    ],
    "governance": [
        ("democracy", "Democracia y Estado de derecho",
         r"democra|estado de derecho|rule of law|carta democratica"),
        ("human_rights", "Derechos humanos", r"derechos humanos|human rights"),
        ("corruption", "Lucha contra la corrupción", r"corrup|transparen"),
        ("regional", "Coordinación regional (Venezuela, OEA, Grupo de Lima)",
         r"venezuel|grupo de lima|lima group|\boea\b|\boas\b|nicaragua|cumbre de las americas|summit of the americas"),
        ("education", "Educación, ciencia y becas",
         r"educa|beca|scholarship|universi|cienci|scien|academ|estudiant|student"),
        ("health", "Salud", r"salud|health|covid|pandemi|vacun|vaccin"),
        ("culture", "Cultura y deporte", r"\bcultur|patrimonio|heritage|deporte|deportiv|\bsports?\b"),
        ("inclusion", "Inclusión social, género y pueblos indígenas",
         r"inclusion social|pobreza|poverty|\bgenero\b|gender|mujer|women|indigena|indigenous|discapacidad|disabilit"),
        ("institutions", "Instituciones y gestión pública",
         r"institucional|gestion publica|modernizacion del estado|gobierno abierto|open government|reforma judicial"),
    ],
    "trade": [
        ("trade_investment", "Comercio e inversiones",
         r"comerci|\btrade|inversion|invest|export|importac|\bimports?\b|acceso a (los )?mercado|market access"),
        ("agreements", "Acuerdos comerciales (TLC/APC)",
         r"libre comercio|\btlc\b|promocion comercial|\bapc\b|free trade|\bfta\b|usmca|t-mec|reciprocal trade"),
        ("tourism", "Turismo", r"turis|touris"),
        ("sps_agriculture", "Sanidad agraria y agroexportación",
         r"sanitari|fitosanit|phytosanit|senasa|aphis|agricol|agricult|agroindustr|agro"),
        ("smes", "Pymes y emprendimiento", r"pyme|mype|\bsmes?\b|small and medium|emprend|entrepreneur"),
        ("customs", "Aduanas y facilitación del comercio",
         r"aduan|customs|facilitacion del comercio|trade facilitation"),
        ("integration", "Integración económica (OCDE, Alianza del Pacífico, CAN, APEC)",
         r"\bocde\b|\boecd\b|alianza del pacifico|pacific alliance|comunidad andina|\bapec\b"),
        ("logistics", "Puertos, logística y cadenas de suministro",
         r"puerto|\bports?\b|logistic|cadenas? de (suministro|valor)|supply chain"),
        ("labour", "Empleo y trabajo", r"empleo|trabajo decente|laboral|\blabou?r\b|workforce|workers"),
        ("technology", "Tecnología, innovación y economía digital",
         r"semiconduct|digital|tecnolog|technolog|innova"),
    ],
    "environment": [
        ("climate", "Cambio climático",
         r"cambio climatico|climat|acuerdo de paris|paris agreement|emision|emission|carbon"),
        ("energy", "Energía e interconexión eléctrica",
         r"energ|electric|interconexion|hidrocarbur|hydrocarbon|gas natural|natural gas|petrole|renovable|renewable|nuclear"),
        ("water", "Recursos hídricos y cuencas", r"\bagua|water|cuenca|basin|titicaca|hidric|\brios?\b"),
        ("forests", "Bosques, biodiversidad y áreas protegidas",
         r"bosque|forest|deforest|biodivers|fauna|flora|areas? (naturales )?protegidas|protected area|amazon|wildlife"),
        ("mining", "Minería y minerales", r"mineria|mining|minero|minerales|minerals|mercurio|mercury"),
        ("pollution", "Contaminación y residuos", r"contamina|pollution|residuo|waste"),
        ("fisheries", "Pesca y recursos hidrobiológicos", r"pesca|pesquer|fisher|hidrobiolog"),
        ("disasters", "Gestión del riesgo de desastres",
         r"desastre|disaster|gestion del riesgo|risk management|fenomeno el nino|early warning|alerta temprana"),
    ],
    "borders": [
        ("border_development", "Integración y desarrollo fronterizo",
         r"integracion fronteriza|zona de integracion|\bzif\b|desarrollo fronterizo|plan binacional|border development|poblaciones? fronteriza"),
        ("crossings", "Pasos y control fronterizo",
         r"paso de frontera|paso fronterizo|\bcebaf|\bcenaf|centro binacional|control integrado|border crossing|port of entry|border management"),
        ("infrastructure", "Infraestructura, transporte y conectividad",
         r"puente|carretera|\bvial|bridge|\broads?\b|transporte|transport|transito|\btransit\b|conectividad|connectivity|ferrovia"),
        ("migration", "Migración", r"migra|migrant|refugi|desplazad|displaced|asilo|asylum"),
        ("consular", "Asuntos consulares y documentos", r"consular|consulad|consulate|\bconsul\b|pasaporte|passport|\bvisas?\b|documento de identidad"),
        ("boundaries", "Límites y demarcación", r"\blimites?\b|boundar|\bhitos?\b|demarcacion|delimitacion"),
    ],
}
SUBTOPIC_PATTERNS: dict[str, list[tuple[str, str, re.Pattern]]] = {
    axis: [(key, name, re.compile(rx)) for key, name, rx in entries] for axis, entries in SUBTOPICS.items()
}
