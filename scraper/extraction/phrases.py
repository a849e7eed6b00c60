"""Phrases of the lines around an article that are not the article, in the languages of our
sources, for the paragraph rules (``paragraphs.py``).

Each pattern is a *shape* a publisher's template repeats (an imperative to subscribe, a
label over a list of links, a note about who else reported), never one site's string;
the rules that use them also bound where a line sits and how long it is, so an article
sentence that merely contains such words stays.
"""

from __future__ import annotations

import re

#: "Read also" and "related" in the languages of pages that declare no English, for the
#: two rules below: "相关阅读", "関連ニュース", "관련기사", "Читайте также", "اقرأ أيضا",
#: "यह भी पढ़ें", "ข่าวที่เกี่ยวข้อง" / "เรื่องที่เกี่ยวข้อง", "Baca juga", "Xem thêm".
_READ_ALSO = (
    r"相关(?:阅读|新闻|文章|报道)|相關(?:閱讀|新聞|文章|報導)|延伸阅读|延伸閱讀|推荐阅读|推薦閱讀|"
    r"関連(?:記事|ニュース)|あわせて読みたい|合わせて読みたい|おすすめ記事|"
    r"관련\s?기사|관련\s?뉴스|추천\s?기사|"
    r"читайте также|смотрите также|по теме|читайте також|дивіться також|"
    r"اقرأ (?:أيضا|أيضاً|المزيد)|(?:مواضيع|أخبار|مقالات) ذات صلة|بیشتر بخوانید|مطالب مرتبط|"
    r"(?:यह|ये) भी पढ़ें|संबंधित (?:खबरें|ख़बरें|लेख)|"
    r"(?:ข่าว|บทความ|เรื่อง)ที่เกี่ยวข้อง|อ่านเพิ่มเติม|"
    r"baca juga|berita terkait|tin liên quan|xem thêm|đọc thêm|ilgili haberler"
)
#: Link teasers and calls to action inside or after the text ("Read more: ...").
TEASER = re.compile(
    r"^\W*(?:related(?: articles?| stories| posts?| coverage)?|read more|read also|also read|"
    r"see also|see more|more from \S+|also on \S+|recommended|don'?t miss|must read|"
    r"watch|listen|more|next|previous|filed under|posted in|tagged(?: with)?|tags|"
    rf"categories|{_READ_ALSO})\s*[:|>»›：]",
    re.I,
)
#: A whole line that only labels the teasers or the player after it, in the languages of
#: our sources: "Read more", "Mehr zum Thema Hitze", "Czytaj więcej", "Lire aussi",
#: "You may also like", "Most read in world news", "Mehr Themen auf example.de",
#: "Les også", "Te puede interesar".
TEASER_LABEL = re.compile(
    r"^\W*(?:read (?:more|also)|don'?t miss|must read|more on this(?: story| topic)?|"
    r"related(?: articles| stories)?|you (?:may|might) also (?:like|enjoy)|"
    r"most (?:read|popular|viewed|shared)(?: (?:in|on) .{1,40})?|"
    r"more (?:great )?\S+ (?:stories|videos)|recommended (?:videos|stories|for you)|"
    r"mehr zum thema\b.*|mehr themen (?:auf|bei|von) \S+|lesen sie (?:auch|mehr)|"
    r"das könnte (?:sie|dich) (?:auch )?interessieren|zum anhören|zum nachlesen|"
    r"empfohlener redaktioneller inhalt|ein klick für den datenschutz|"
    r"czytaj (?:więcej|też|także)|zobacz (?:też|także|również)|"
    r"čtěte (?:také|též|více)|přečtěte si (?:také|též)|"
    r"lire aussi|à lire aussi|à lire également|vous aimerez aussi|sur le même sujet|"
    r"leer más|lee también|lea también|(?:también )?te puede interesar|"
    r"leia (?:mais|também)|veja também|leggi anche|(?:ti )?potrebbe interessarti|"
    r"lees ook|lees meer|les også|les mer|læs også|læs mere|läs också|läs mer|"
    rf"おすすめ情報|{_READ_ALSO})\W*$",
    re.I,
)
#: Calls to action: subscribe, follow, write in, log in, the paywall's notice; around the
#: text only (``paragraphs.drop_teasers``), so an article sentence with these words stays.
CALL_TO_ACTION = re.compile(
    # English
    r"\b(?:sign up|subscribe|newsletters?|follow (?:us|\w+(?: \w+)?) on|share (?:it|this)|"
    r"click here|tell us what you think|download (?:the|our) app|in your inbox|"
    r"like us on facebook|all rights reserved|copyright|"
    r"got a (?:story|tip|news tip)|get in touch with (?:us|our)|"
    r"for more (?:stories|news|articles|updates) like this|our standards(?=\s*:)|"
    r"log ?in or (?:create|register|sign up)|you must (?:confirm|log ?in|be logged in|sign in)|"
    r"please log ?(?:in|out)|more to follow|"
    r"^\W*get (?:daily|weekly|breaking|the latest|real-time|instant|live)\b[^.!?]{0,60}?"
    r"\b(?:news|updates|alerts|headlines)|"
    r"we(?:'|’)d (?:like|love) to hear (?:from you|what you think)|"
    r"reach (?:the |this )?(?:reporters?|writers?|authors?) (?:at|on|via)|"
    r"follow [^.!?]{1,50}? on (?:google news|facebook|"
    r"instagram|twitter|x|youtube|tiktok|linkedin|threads|bluesky|whatsapp|telegram)|"
    # German
    r"fehler gefunden|jetzt melden|in unserem (?:live|news)-?(?:blog|ticker)|"
    r"kostenlos (?:testen|lesen)|jetzt (?:abonnieren|abonnent werden|testen|registrieren)|"
    r"braucht (?:deine|ihre|eure) unterstützung|folgen sie uns|abonnieren sie|"
    r"wie hat (?:ihnen|dir|euch) (?:dieser|der) (?:artikel|beitrag) gefallen|"
    # French, Italian, Spanish, Portuguese
    r"la suite est réservée|réservée? aux abonnés|il vous reste \d[\d.,]* ?% de cet article|"
    r"abonnez-vous|suivez-nous|inscrivez-vous|"
    r"iscriviti|seguici su|abbonati (?:ora|subito)|riservato agli abbonati|"
    r"suscríbete|síguenos|regístrate|exclusivo para suscriptores|"
    r"siga-nos|inscreva-se|assine (?:já|agora)|exclusivo para assinantes|"
    # Dutch, Norwegian, Danish, Swedish
    r"abonneer je|volg ons|schrijf je in|word abonnee|"
    r"følg oss|følg os|bli abonnent|bliv abonnent|følj oss|följ oss|bli prenumerant|"
    r"prenumerera (?:på|nu)|"
    # Polish, Czech, Turkish
    r"obserwuj nas|zapisz się|zaprenumeruj|subskrybuj|"
    r"sledujte nás|předplaťte si|přihlaste se k odběru|"
    r"bizi takip edin|abone ol|abonelik için)\b|"
    r"^\W*comments?\W*$|"
    # Japanese: the paywall's notice ("この記事は会員限定です", "続きをお読みいただけます")
    r"会員限定(?:です|の記事)|続きをお読み(?:いただけます|ください)|続きを読むには|"
    # Japanese: "share this news/article" above or below the text
    r"^\W*(?:この)?(?:ニュース|記事)を(?:シェア|共有)(?:する)?\W*$|"
    # a bare contact line: an e-mail address, a social profile, after a label of a word or
    # two ("Twitter: https://twitter.com/...", "LINE ID = @..."). An address's domain ends
    # in letters: "jscrambler@8.14.0" is a package at a version, not an address.
    r"^\W*(?:[^\W\d_][^\s:=@/]*\s*[:=]?\s+){0,2}"
    r"(?:[\w.+-]+@(?:[\w-]+\.)+(?:[^\W\d_]{2,}|xn--[\w-]+)\.?|(?:https?://)?(?:www\.)?"
    r"(?:(?:twitter|x|facebook|instagram|linkedin|threads)\.com|fb\.me)/\S+|@\w{2,30})\W*$",
    re.I,
)
#: Who else reported or wrote: "Additional reporting by X", "X contributed to this
#: report", "With files from The Associated Press". A trailer of agency and newspaper
#: copy that the article's readers do not read as its text. Not the plain "Reporting by
#: X; Editing by Y" of wire copy, which pages show as part of the article as often as not.
CONTRIBUTORS = re.compile(
    r"\b(?:additional|further|with) reporting by\b|"
    r"^\W*with (?:additional )?(?:files|reports|wires) from\b|"
    r"\bcontributed (?:reporting|to this (?:report|story|article))\b",
    re.I,
)
#: The placeholder a consent manager shows instead of an embedded post or player: "Link
#: zum YouTube-Inhalt", "An dieser Stelle finden Sie einen externen Inhalt ...", "Ich bin
#: damit einverstanden, dass mir externe Inhalte angezeigt werden", "To view this
#: third-party content you need to accept cookies".
EMBED_PLACEHOLDER = re.compile(
    r"^\W*link (?:zum|zu|to) [\w-]+[- ](?:inhalt|content)\W*$|"
    r"\b(?:externe[nrs]?|eingebettete[nrs]?) inhalte?\b.*\b(?:anzeigen|angezeigt|"
    r"einverstanden|zustimmung|aktivieren)|"
    r"\bich bin damit einverstanden, dass mir\b|"
    r"\b(?:external|third[- ]party|embedded) content\b.*\b(?:consent|accept|enable|"
    r"privacy settings|cookies)|"
    r"\b(?:contenu|contenido|contenuto|conteúdo) (?:externe|externo|esterno|tiers)\b|"
    r"\bexterne inhoud\b",
    re.I,
)
#: A video teaser's caption ends with its date and running time: "... 18.04.2024 | 0:21 min".
VIDEO_TEASER = re.compile(r"\d{1,2}\.\d{1,2}\.\d{2,4}\s*\|\s*\d{1,3}:\d{2}\s*(?:min|std)\.?\s*$",
                          re.I)
#: A source label under a picture or a chart: "Quelle: AFP", "Source: Reuters/Getty".
SOURCE_LABEL = re.compile(
    r"^\W*(?:quelle|quellen|source|sources|fuente|fonte|źródło|zdroj|kilde|källa|bron)\s*:\s*\S",
    re.I)
#: A reading-time or update stamp of the page template: "Tempo de leitura: 2 minutos",
#: "5 min read", "Lesezeit: 3 Min.", "Updated at 1:23 p.m.", "Aktualisiert am 3. Mai".
STAMP = re.compile(
    r"^\W*(?:(?:estimated )?reading time|lesezeit|tempo de leitura|temps de lecture|"
    r"tiempo de lectura|tempo di lettura|leestijd|czas czytania|lesetid|lästid|læsetid|"
    r"doba čtení|(?:last )?updated(?: at| on)?|zuletzt aktualisiert(?: am)?|aktualisiert(?: am)?|"
    r"mis à jour(?: le)?|actualizado(?: el)?|aggiornato(?: il| alle)?|bijgewerkt(?: op)?|"
    r"oppdatert|opdateret|uppdaterad|zaktualizowano|aktualizováno)\s*:?\s*\d|"
    r"^\W*\d{1,3}\s*(?:min(?:ute)?s?|minuten|minutos|minuti)\.?\s+(?:read|lesezeit|de leitura|"
    r"de lectura|di lettura|leestijd)\W*$",
    re.I,
)
