"""Page furniture in the languages news is written in: the English words of the line
rules (text_lines, html_body) in French, German, Spanish, Italian, Portuguese and
Dutch, so that a German page's ``Weiterlesen``, ``Lesen Sie auch:``, ``Mehr zum
Thema`` or a French ``Abonnez-vous`` is furniture as ``Read more`` is.

Only translations of what the English rules already say (navigation words, headings
that introduce other pages' links, ``read also`` labels, sign-up prompts), matched
the same way: whole (normalised) lines or a line's start, never words inside prose.
Each is a regex fragment the English pattern is joined with.
"""

from __future__ import annotations

# Whole lines that are navigation (text_lines._NAV: the line case-folded and stripped).
NAV = (
    r"(?:kommentare?|commentaires?|comentarios?|commenti|comentários?|reacties?)"
    r"(?: \(?\d+\)?)?|"
    r"werbung|anzeige|teilen|artikel teilen|jetzt teilen|drucken|"
    r"mehr (?:lesen|anzeigen)|weiterlesen|weiter lesen|zum (?:seitenanfang|inhalt springen)|"
    r"nach oben|anmelden|einloggen|abonnieren|jetzt abonnieren|folgen sie uns|"
    r"(?:artikel )?vorlesen|artikel anhören|(?:nächster|vorheriger) artikel|"
    r"lesezeit:? \d+ min(?:uten)?|"
    r"publicité|partager|partagez|imprimer|lire (?:la suite|plus)|"
    r"voir plus|afficher plus|retour en haut|aller au contenu(?: principal)?|"
    r"se connecter|connexion|s'abonner|abonnez-vous|suivez-nous|"
    r"écouter(?: l'article| cet article)?|article (?:suivant|précédent)|"
    r"(?:temps de lecture:? )?\d+ min(?:utes)?(?: de lecture)?|"
    r"publicidad|compartir|leer más|ver más|seguir leyendo|volver arriba|"
    r"iniciar sesión|suscríbete|síguenos|(?:siguiente|anterior) (?:noticia|artículo)|"
    r"\d+ min(?:utos)? de lectura|"
    r"pubblicità|condividi|leggi (?:di più|tutto)|continua a leggere|torna su|"
    r"vai al contenuto|accedi|abbonati|iscriviti|seguici|"
    r"publicidade|partilhar|compartilhar|leia mais|ler mais|"
    r"continuar lendo|continue lendo|voltar ao topo|assine|siga-nos|"
    r"advertentie|delen|deel dit artikel|lees (?:meer|verder)|verder lezen|"
    r"terug naar boven|inloggen|abonneren|volg ons|voorlezen|(?:volgend|vorig) artikel")
# Whole lines that head a list of other pages' links (text_lines._END_OF_ARTICLE).
END_OF_ARTICLE = (
    r"mehr zum thema|mehr zum thema .{1,40}|das könnte sie auch interessieren|"
    r"weitere artikel|ähnliche artikel|verwandte (?:artikel|themen)|meistgelesen|"
    r"meistgelesene artikel|am meisten gelesen|auch interessant|(?:\d+ )?kommentare|"
    r"sur le même sujet|articles? similaires|les plus lus|vous aimerez aussi|"
    r"à voir aussi|dans la même rubrique|(?:\d+ )?commentaires|"
    r"noticias relacionadas|artículos relacionados|te puede interesar|lo más leído|"
    r"más leídas|también te puede interesar|(?:\d+ )?comentarios|"
    r"articoli correlati|potrebbe interessarti|(?:i )?più letti|(?:\d+ )?commenti|"
    r"notícias relacionadas|artigos relacionados|mais lidas|(?:\d+ )?comentários|"
    r"gerelateerde artikelen|meest gelezen|ook interessant|(?:\d+ )?reacties")
# A line's start that labels a link to another page (text_lines._READ_MORE, with its
# ``:`` or ``»`` after it) ...
READ_MORE = (
    r"lesen sie (?:auch|mehr|hier)|auch lesen|mehr dazu|mehr zum thema|"
    r"lire aussi|à lire aussi|voir aussi|à lire|"
    r"lee también|leer también|leer más|ver también|"
    r"leggi anche|vedi anche|leia também|veja também|leia mais|lees ook|lees meer|zie ook")
# ... and the start of a saved page's trailing line that is a prompt (html_body.
# _FURNITURE_LINE, up to 150 characters after it), or a whole trailing line that only
# says "advertisement".
TRAILING_PROMPTS = (
    READ_MORE + r"|weiterlesen|folgen sie uns|jetzt (?:lesen|abonnieren|anmelden)|"
    r"newsletter abonnieren|abonnez-vous|inscrivez-vous|suivez-nous|suscríbete|síguenos|"
    r"iscriviti|seguici|assine já|assine agora|siga-nos|volg ons|abonneer")
ADVERTISEMENT = r"anzeige|werbung|publicité|publicidad|pubblicità|publicidade|advertentie"
