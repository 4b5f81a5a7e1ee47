"""Synthetic exports that look like what WordPress, Blogger and Disqus write.

Used by ``bench_exports.py`` and ``bench_peers.py``. Every file is seeded (the same bytes on
every run) and carries every standard field its tool writes, so that the readers of other
projects (pelican's importer, ``wpparser``) read it as they read a real export:

- **WXR 1.2** (WordPress 6.x, Tools > Export): the channel header (title, link,
  description, pubDate, language, ``wp:wxr_version``, ``wp:base_site_url``,
  ``wp:base_blog_url``, ``wp:author`` blocks, ``wp:category``/``wp:tag`` terms, generator),
  then one ``<item>`` per post with ``title``, ``link``, ``pubDate``, ``dc:creator``,
  ``guid isPermaLink="false"``, ``description``, ``content:encoded``, ``excerpt:encoded``,
  ``wp:post_id``, ``wp:post_date``, ``wp:post_date_gmt``, ``wp:post_modified(_gmt)``,
  ``wp:comment_status``, ``wp:ping_status``, ``wp:post_name``, ``wp:status``,
  ``wp:post_parent``, ``wp:menu_order``, ``wp:post_type``, ``wp:post_password``,
  ``wp:is_sticky``, categories and tags, ``wp:postmeta``; and per comment
  ``comment_id``, ``author``, ``author_email``, ``author_url``, ``author_IP``, ``date``,
  ``date_gmt``, ``content`` (HTML), ``approved``, ``type``, ``parent``, ``user_id`` and
  ``wp:commentmeta``. About one item in twenty is an attachment.
- **Disqus** (Admin > Export): ``<category>``, ``<thread dsq:id>`` with id, forum,
  category, link, title, message, createdAt, author (email, name, isAnonymous, username),
  ipAddress, isClosed, isDeleted; ``<post dsq:id>`` with id, message (HTML), createdAt,
  isDeleted, isSpam, author, ipAddress, thread, parent; shuffled within blocks, as Disqus
  writes them in no particular order.
- **Blogger** (classic Settings > Back up content): an Atom feed whose entries are
  settings, posts and comments, with Blogger's ``id``, ``published``, ``updated``, kind and
  label categories, ``title``, ``content type="html"``, the ``replies``/``edit``/``self``/
  ``alternate`` links, ``author`` (name, uri, email, ``gd:image``), ``thr:total`` on posts and
  ``thr:in-reply-to`` plus a ``related`` link on replies.

Sizes: comment bodies are one to four paragraphs (a median of about 350 bytes of HTML), 5
to 80 comments per post (median about 40), as on the MS blog this project was built for.
"""

from __future__ import annotations

import random
from pathlib import Path

WORDS = ("ms relapse fatigue trial neurologist vitamin myelin lesion mri ocrelizumab "
         "the a and of to in it is that was for on with as i you we they not but really "
         "so sure great maybe evidence study placebo patients dose risk side effects "
         "walking cognition heat pain hope hype stem cells ahsct diet exercise").split()
AUTHORS = ["Mary (pwMS)", "Dr Jones", "Prof G", "Tom", "Sceptic Sue", "Ann", "Ray", "Jo", "Lou",
           "Zoë", "Anonymous", "Ben’s wife"]
CATEGORIES = ["Research", "Treatment", "Trials", "Lifestyle", "News"]
TAGS = ["ahsct", "vitamin-d", "ocrelizumab", "fatigue", "mri", "diet", "exercise", "ebv"]
SITE = "https://ms-blog.example.org"


def sentence(rng: random.Random) -> str:
    words = rng.choices(WORDS, k=rng.randint(6, 18))
    return words[0].capitalize() + " " + " ".join(words[1:]) + rng.choice(".?!")


def html_comment(rng: random.Random) -> str:
    """A comment body as WordPress/Disqus store it: typed text or ``<p>`` paragraphs."""
    paragraphs = []
    for _ in range(rng.randint(1, 4)):
        text = " ".join(sentence(rng) for _ in range(rng.randint(1, 4)))
        if rng.random() < 0.3:
            text = text.replace(" really ", " <em>really</em> ", 1)
        if rng.random() < 0.2:
            text += ' See <a href="https://example.org/study" rel="nofollow">the study</a>.'
        if rng.random() < 0.05:
            text += " Fish &amp; chips &#8211; 5 &gt; 3."
        paragraphs.append(text)
    if rng.random() < 0.5:
        return "\n\n".join(paragraphs)  # WordPress: the text as typed
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def _slug(text: str) -> str:
    return "-".join(w.strip(".?!").lower() for w in text.split()[:6])


def _login(name: str) -> str:
    return "".join(c for c in name.lower() if c.isalnum()) or "anon"


def _stamp(rng: random.Random, year: int, day_index: int) -> tuple[str, str]:
    """(local, gmt) 'YYYY-MM-DD HH:MM:SS' one hour apart (a UK summer blog)."""
    month, day = 1 + (day_index // 28) % 12, 1 + day_index % 28
    hour, minute, second = rng.randint(1, 22), rng.randint(0, 59), rng.randint(0, 59)
    local = f"{year}-{month:02d}-{day:02d} {hour:02d}:{minute:02d}:{second:02d}"
    gmt = f"{year}-{month:02d}-{day:02d} {hour - 1:02d}:{minute:02d}:{second:02d}"
    return local, gmt


_RFC822_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_RFC822_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
                  "Dec")


def _rfc822(gmt: str) -> str:
    import datetime as dt

    moment = dt.datetime.strptime(gmt, "%Y-%m-%d %H:%M:%S")
    return (f"{_RFC822_DAYS[moment.weekday()]}, {moment.day:02d} "
            f"{_RFC822_MONTHS[moment.month - 1]} {moment.year} {moment:%H:%M:%S} +0000")


def write_wxr(path: Path, target_bytes: int, seed: int = 1) -> None:
    """Write a WordPress 6.x WXR 1.2 export of about ``target_bytes``."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write(
            '<?xml version="1.0" encoding="UTF-8" ?>\n'
            "<!-- This is a WordPress eXtended RSS file generated by WordPress as an export of "
            "your site. -->\n"
            '<!-- generator="WordPress/6.4.3" created="2024-03-01 10:00" -->\n'
            '<rss version="2.0"\n'
            '\txmlns:excerpt="http://wordpress.org/export/1.2/excerpt/"\n'
            '\txmlns:content="http://purl.org/rss/1.0/modules/content/"\n'
            '\txmlns:wfw="http://wellformedweb.org/CommentAPI/"\n'
            '\txmlns:dc="http://purl.org/dc/elements/1.1/"\n'
            '\txmlns:wp="http://wordpress.org/export/1.2/"\n>\n\n<channel>\n'
            "\t<title>Synthetic MS blog</title>\n"
            f"\t<link>{SITE}</link>\n"
            "\t<description>Research news for people with MS</description>\n"
            "\t<pubDate>Fri, 01 Mar 2024 10:00:00 +0000</pubDate>\n"
            "\t<language>en-GB</language>\n"
            "\t<wp:wxr_version>1.2</wp:wxr_version>\n"
            f"\t<wp:base_site_url>{SITE}</wp:base_site_url>\n"
            f"\t<wp:base_blog_url>{SITE}</wp:base_blog_url>\n\n")
        for number, name in enumerate(("Prof G", "Editor"), start=1):
            out.write(
                f"\t\t<wp:author><wp:author_id>{number}</wp:author_id>"
                f"<wp:author_login>{cdata(_login(name))}</wp:author_login>"
                f"<wp:author_email>{cdata(_login(name) + '@example.org')}</wp:author_email>"
                f"<wp:author_display_name>{cdata(name)}</wp:author_display_name>"
                f"<wp:author_first_name>{cdata(name.split()[0])}</wp:author_first_name>"
                f"<wp:author_last_name>{cdata(name.split()[-1])}</wp:author_last_name>"
                "</wp:author>\n")
        for number, name in enumerate(CATEGORIES, start=1):
            out.write(f"\t<wp:category><wp:term_id>{number}</wp:term_id>"
                      f"<wp:category_nicename>{cdata(name.lower())}</wp:category_nicename>"
                      f"<wp:category_parent>{cdata('')}</wp:category_parent>"
                      f"<wp:cat_name>{cdata(name)}</wp:cat_name></wp:category>\n")
        for number, name in enumerate(TAGS, start=100):
            out.write(f"\t<wp:tag><wp:term_id>{number}</wp:term_id>"
                      f"<wp:tag_slug>{cdata(name)}</wp:tag_slug>"
                      f"<wp:tag_name>{cdata(name)}</wp:tag_name></wp:tag>\n")
        out.write("\n\t<generator>https://wordpress.org/?v=6.4.3</generator>\n\n")
        post_id = comment_id = 0
        while out.tell() < target_bytes:
            post_id += 1
            year = 2012 + (post_id // 300) % 12
            local, gmt = _stamp(rng, year, post_id)
            if rng.random() < 0.05:  # an attachment: skipped by the readers
                out.write(
                    f"\t<item>\n\t\t<title><![CDATA[scan-{post_id}]]></title>\n"
                    f"\t\t<link>{SITE}/scan-{post_id}/</link>\n"
                    f"\t\t<pubDate>{_rfc822(gmt)}</pubDate>\n"
                    f"\t\t<dc:creator><![CDATA[profg]]></dc:creator>\n"
                    f'\t\t<guid isPermaLink="false">{SITE}/wp-content/uploads/scan-{post_id}.png'
                    "</guid>\n\t\t<description></description>\n"
                    "\t\t<content:encoded><![CDATA[]]></content:encoded>\n"
                    "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
                    f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
                    f"\t\t<wp:post_date><![CDATA[{local}]]></wp:post_date>\n"
                    f"\t\t<wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>\n"
                    f"\t\t<wp:post_modified><![CDATA[{local}]]></wp:post_modified>\n"
                    f"\t\t<wp:post_modified_gmt><![CDATA[{gmt}]]></wp:post_modified_gmt>\n"
                    "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
                    "\t\t<wp:ping_status><![CDATA[closed]]></wp:ping_status>\n"
                    f"\t\t<wp:post_name><![CDATA[scan-{post_id}]]></wp:post_name>\n"
                    "\t\t<wp:status><![CDATA[inherit]]></wp:status>\n"
                    f"\t\t<wp:post_parent>{post_id - 1}</wp:post_parent>\n"
                    "\t\t<wp:menu_order>0</wp:menu_order>\n"
                    "\t\t<wp:post_type><![CDATA[attachment]]></wp:post_type>\n"
                    "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
                    "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
                    f"\t\t<wp:attachment_url><![CDATA[{SITE}/wp-content/uploads/scan-{post_id}.png"
                    "]]></wp:attachment_url>\n\t</item>\n")
                continue
            title = sentence(rng)
            slug = f"{_slug(title)}-{post_id}"
            link = f"{SITE}/{year}/{slug}/"
            category = rng.choice(CATEGORIES)
            tags = rng.sample(TAGS, rng.randint(0, 3))
            status = rng.choices(["publish", "draft", "private"], [95, 4, 1])[0]
            body = "\n\n".join(html_comment(rng) for _ in range(rng.randint(2, 6)))
            parts = [
                f"\t<item>\n\t\t<title><![CDATA[{title}]]></title>\n"
                f"\t\t<link>{link}</link>\n"
                f"\t\t<pubDate>{_rfc822(gmt)}</pubDate>\n"
                f"\t\t<dc:creator>{cdata('profg')}</dc:creator>\n"
                f'\t\t<guid isPermaLink="false">{SITE}/?p={post_id}</guid>\n'
                "\t\t<description></description>\n"
                f"\t\t<content:encoded>{cdata(body)}</content:encoded>\n"
                "\t\t<excerpt:encoded><![CDATA[]]></excerpt:encoded>\n"
                f"\t\t<wp:post_id>{post_id}</wp:post_id>\n"
                f"\t\t<wp:post_date><![CDATA[{local}]]></wp:post_date>\n"
                f"\t\t<wp:post_date_gmt><![CDATA[{gmt}]]></wp:post_date_gmt>\n"
                f"\t\t<wp:post_modified><![CDATA[{local}]]></wp:post_modified>\n"
                f"\t\t<wp:post_modified_gmt><![CDATA[{gmt}]]></wp:post_modified_gmt>\n"
                "\t\t<wp:comment_status><![CDATA[open]]></wp:comment_status>\n"
                "\t\t<wp:ping_status><![CDATA[open]]></wp:ping_status>\n"
                f"\t\t<wp:post_name><![CDATA[{slug}]]></wp:post_name>\n"
                f"\t\t<wp:status><![CDATA[{status}]]></wp:status>\n"
                "\t\t<wp:post_parent>0</wp:post_parent>\n"
                "\t\t<wp:menu_order>0</wp:menu_order>\n"
                "\t\t<wp:post_type><![CDATA[post]]></wp:post_type>\n"
                "\t\t<wp:post_password><![CDATA[]]></wp:post_password>\n"
                "\t\t<wp:is_sticky>0</wp:is_sticky>\n"
                f'\t\t<category domain="category" nicename="{category.lower()}">'
                f"{cdata(category)}</category>\n",
                *(f'\t\t<category domain="post_tag" nicename="{tag}">{cdata(tag)}</category>\n'
                  for tag in tags),
                "\t\t<wp:postmeta>\n\t\t\t<wp:meta_key><![CDATA[_edit_last]]></wp:meta_key>\n"
                "\t\t\t<wp:meta_value><![CDATA[1]]></wp:meta_value>\n\t\t</wp:postmeta>\n",
            ]
            ids: list[int] = []
            for index in range(rng.randint(5, 80)):
                comment_id += 1
                parent = rng.choice(ids) if ids and rng.random() < 0.6 else 0
                ids.append(comment_id)
                kind = "pingback" if rng.random() < 0.03 else "comment"
                approved = rng.choices(["1", "0", "spam", "trash"], [90, 4, 4, 2])[0]
                author = rng.choice(AUTHORS)
                user_id = 1 if author == "Prof G" else 0
                c_local, c_gmt = _stamp(rng, year, post_id + index // 5)
                parts.append(
                    "\t\t<wp:comment>\n"
                    f"\t\t\t<wp:comment_id>{comment_id}</wp:comment_id>\n"
                    f"\t\t\t<wp:comment_author>{cdata(author)}</wp:comment_author>\n"
                    f"\t\t\t<wp:comment_author_email>{cdata(_login(author) + '@example.org')}"
                    "</wp:comment_author_email>\n"
                    f"\t\t\t<wp:comment_author_url>"
                    f"{'https://example.org/' + _login(author) if rng.random() < 0.2 else ''}"
                    "</wp:comment_author_url>\n"
                    f"\t\t\t<wp:comment_author_IP>{cdata(f'192.0.2.{rng.randint(1, 254)}')}"
                    "</wp:comment_author_IP>\n"
                    f"\t\t\t<wp:comment_date>{cdata(c_local)}</wp:comment_date>\n"
                    f"\t\t\t<wp:comment_date_gmt>{cdata(c_gmt)}</wp:comment_date_gmt>\n"
                    f"\t\t\t<wp:comment_content>{cdata(html_comment(rng))}</wp:comment_content>\n"
                    f"\t\t\t<wp:comment_approved>{cdata(approved)}</wp:comment_approved>\n"
                    f"\t\t\t<wp:comment_type>{cdata(kind)}</wp:comment_type>\n"
                    f"\t\t\t<wp:comment_parent>{parent}</wp:comment_parent>\n"
                    f"\t\t\t<wp:comment_user_id>{user_id}</wp:comment_user_id>\n"
                    "\t\t\t<wp:commentmeta>\n"
                    "\t\t\t\t<wp:meta_key><![CDATA[akismet_result]]></wp:meta_key>\n"
                    "\t\t\t\t<wp:meta_value><![CDATA[false]]></wp:meta_value>\n"
                    "\t\t\t</wp:commentmeta>\n"
                    "\t\t</wp:comment>\n")
            parts.append("\t</item>\n")
            out.write("".join(parts))
        out.write("</channel>\n</rss>\n")


def write_disqus(path: Path, target_bytes: int, seed: int = 2) -> None:
    """Write a Disqus export of about ``target_bytes``, records shuffled within blocks."""
    rng = random.Random(seed)
    with open(path, "w", encoding="utf-8") as out:
        out.write('<?xml version="1.0" encoding="utf-8"?>\n<disqus xmlns="http://disqus.com" '
                  'xmlns:dsq="http://disqus.com/disqus-internals" '
                  'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
                  'xsi:schemaLocation="http://disqus.com/api/schemas/1.0/disqus.xsd '
                  'http://disqus.com/api/schemas/1.0/disqus-internals.xsd">\n'
                  '  <category dsq:id="777">\n    <forum>ms-blog</forum>\n'
                  "    <title>General</title>\n    <isDefault>true</isDefault>\n  </category>\n")
        thread_id = post_id = 0
        while out.tell() < target_bytes:
            block = []
            for _ in range(20):
                thread_id += 1
                year = 2014 + (thread_id // 300) % 10
                _, t_gmt = _stamp(rng, year, thread_id)
                title = sentence(rng)
                block.append(
                    f'  <thread dsq:id="{5_000_000 + thread_id}">\n'
                    f"    <id>{cdata(f'{thread_id} {SITE}/?p={thread_id}')}</id>\n"
                    "    <forum>ms-blog</forum>\n    <category dsq:id=\"777\" />\n"
                    f"    <link>{SITE}/{year}/{_slug(title)}-{thread_id}/</link>\n"
                    f"    <title>{cdata(title)}</title>\n"
                    "    <message />\n"
                    f"    <createdAt>{t_gmt.replace(' ', 'T')}Z</createdAt>\n"
                    "    <author>\n      <email>profg@example.org</email>\n"
                    "      <name>Prof G</name>\n      <isAnonymous>false</isAnonymous>\n"
                    "      <username>profg</username>\n    </author>\n"
                    "    <ipAddress>192.0.2.1</ipAddress>\n"
                    "    <isClosed>false</isClosed>\n    <isDeleted>false</isDeleted>\n"
                    "  </thread>\n")
                ids: list[int] = []
                for index in range(rng.randint(5, 80)):
                    post_id += 1
                    parent = (f'    <parent dsq:id="{rng.choice(ids)}" />\n'
                              if ids and rng.random() < 0.6 else "")
                    ids.append(post_id)
                    deleted = "true" if rng.random() < 0.03 else "false"
                    spam = "true" if rng.random() < 0.03 else "false"
                    author = rng.choice(AUTHORS)
                    anonymous = "true" if author == "Anonymous" else "false"
                    username = "" if anonymous == "true" else f"      <username>{_login(author)}</username>\n"
                    _, c_gmt = _stamp(rng, year, thread_id + index // 5)
                    block.append(
                        f'  <post dsq:id="{post_id}">\n'
                        f"    <id />\n"
                        f"    <message>{cdata(html_comment(rng))}</message>\n"
                        f"    <createdAt>{c_gmt.replace(' ', 'T')}Z</createdAt>\n"
                        f"    <isDeleted>{deleted}</isDeleted>\n    <isSpam>{spam}</isSpam>\n"
                        f"    <author>\n      <email>{_login(author)}@example.org</email>\n"
                        f"      <name>{author}</name>\n"
                        f"      <isAnonymous>{anonymous}</isAnonymous>\n{username}"
                        "    </author>\n"
                        f"    <ipAddress>192.0.2.{rng.randint(1, 254)}</ipAddress>\n"
                        f'    <thread dsq:id="{5_000_000 + thread_id}" />\n{parent}  </post>\n')
            rng.shuffle(block)  # "in any order": replies before parents, posts before threads
            out.write("".join(block))
        out.write("</disqus>\n")


_KIND = "http://schemas.google.com/g/2005#kind"
_KIND_TERM = "http://schemas.google.com/blogger/2008/kind#"
_BLOG = "tag:blogger.com,1999:blog-4242"


def _xml_escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def write_blogger(path: Path, target_bytes: int, seed: int = 3) -> None:
    """Write a classic Blogger backup (``blog-MM-DD-YYYY.xml``) of about ``target_bytes``."""
    rng = random.Random(seed)
    blog_url = "https://ms-blog.example.blogspot.com"
    feeds = "https://www.blogger.com/feeds/4242"

    def author(name: str) -> str:
        return (f"<author><name>{_xml_escape(name)}</name>"
                f"<uri>https://www.blogger.com/profile/{sum(map(ord, name)) * 7919}</uri>"
                f"<email>noreply@blogger.com</email>"
                "<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' "
                "height='16' src='https://img1.blogblog.com/img/b16-rounded.gif'/></author>")

    with open(path, "w", encoding="utf-8") as out:
        out.write(
            "<?xml version='1.0' encoding='UTF-8'?>"
            "<?xml-stylesheet href=\"https://www.blogger.com/styles/atom.css\" "
            "type=\"text/css\"?>"
            "<feed xmlns='http://www.w3.org/2005/Atom' "
            "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
            "xmlns:gd='http://schemas.google.com/g/2005' "
            "xmlns:thr='http://purl.org/syndication/thread/1.0' "
            "xmlns:georss='http://www.georss.org/georss'>"
            f"<id>{_BLOG}.archive</id><updated>2024-03-01T10:00:00.000+00:00</updated>"
            "<title type='text'>Synthetic MS blog</title>"
            f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' "
            f"href='{feeds}/archive'/>"
            f"{author('Prof G')}<generator version='7.00' uri='https://www.blogger.com'>"
            "Blogger</generator>\n")
        for name, value in (("BLOG_NAME", "Synthetic MS blog"), ("BLOG_LANGUAGE", "en_GB")):
            out.write(f"<entry><id>{_BLOG}.settings.{name}</id>"
                      "<published>2024-03-01T10:00:00.000+00:00</published>"
                      "<updated>2024-03-01T10:00:00.000+00:00</updated>"
                      f"<category scheme='{_KIND}' term='{_KIND_TERM}settings'/>"
                      f"<title type='text'>{name}</title>"
                      f"<content type='text'>{value}</content>"
                      f"<link rel='edit' type='application/atom+xml' "
                      f"href='{feeds}/settings/{name}'/>{author('Prof G')}</entry>\n")
        post_number = comment_number = 0
        while out.tell() < target_bytes:
            post_number += 1
            year = 2010 + (post_number // 300) % 14
            _, gmt = _stamp(rng, year, post_number)
            stamp = gmt.replace(" ", "T") + ".000+00:00"
            post_id = 7_000_000 + post_number
            title = sentence(rng)
            slug = _slug(title)
            labels = rng.sample(CATEGORIES, rng.randint(0, 2))
            body = "".join(f"<p>{p}</p>" for p in
                           (html_comment(rng) for _ in range(rng.randint(2, 6))))
            n_comments = rng.randint(5, 80)
            permalink = f"{blog_url}/{year}/{1 + post_number % 12:02d}/{slug}.html"
            out.write(
                f"<entry><id>{_BLOG}.post-{post_id}</id><published>{stamp}</published>"
                f"<updated>{stamp}</updated>"
                f"<category scheme='{_KIND}' term='{_KIND_TERM}post'/>"
                + "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{label}'/>"
                          for label in labels)
                + f"<title type='text'>{_xml_escape(title)}</title>"
                f"<content type='html'>{_xml_escape(body)}</content>"
                f"<link rel='replies' type='application/atom+xml' "
                f"href='{blog_url}/feeds/{post_id}/comments/default' title='Post Comments'/>"
                f"<link rel='replies' type='text/html' href='{permalink}#comment-form' "
                f"title='{n_comments} Comments'/>"
                f"<link rel='edit' type='application/atom+xml' "
                f"href='{feeds}/posts/default/{post_id}'/>"
                f"<link rel='self' type='application/atom+xml' "
                f"href='{feeds}/posts/default/{post_id}'/>"
                f"<link rel='alternate' type='text/html' href='{permalink}' "
                f"title='{_xml_escape(title).replace(chr(39), '&#39;')}'/>"
                f"{author('Prof G')}<thr:total>{n_comments}</thr:total></entry>\n")
            ids: list[int] = []
            for index in range(n_comments):
                comment_number += 1
                comment_id = 9_000_000 + comment_number
                parent = rng.choice(ids) if ids and rng.random() < 0.6 else None
                ids.append(comment_id)
                _, c_gmt = _stamp(rng, year, post_number + index // 5)
                c_stamp = c_gmt.replace(" ", "T") + ".000+00:00"
                related = (f"<link rel='related' type='application/atom+xml' "
                           f"href='{blog_url}/feeds/{post_id}/comments/default/{parent}'/>"
                           if parent else "")
                out.write(
                    f"<entry><id>{_BLOG}.post-{comment_id}</id>"
                    f"<published>{c_stamp}</published><updated>{c_stamp}</updated>"
                    f"<category scheme='{_KIND}' term='{_KIND_TERM}comment'/>"
                    f"<title type='text'>{_xml_escape(sentence(rng)[:40])}</title>"
                    f"<content type='html'>{_xml_escape(html_comment(rng))}</content>"
                    f"<link rel='edit' type='application/atom+xml' "
                    f"href='{blog_url}/feeds/{post_id}/comments/default/{comment_id}'/>"
                    f"<link rel='self' type='application/atom+xml' "
                    f"href='{blog_url}/feeds/{post_id}/comments/default/{comment_id}'/>"
                    f"<link rel='alternate' type='text/html' "
                    f"href='{permalink}?showComment={comment_id}#c{comment_id}' title=''/>"
                    f"{related}{author(rng.choice(AUTHORS))}"
                    f"<thr:in-reply-to xmlns:thr='http://purl.org/syndication/thread/1.0' "
                    f"href='{permalink}' ref='{_BLOG}.post-{post_id}' "
                    f"source='{feeds}/posts/default/{post_id}' type='text/html'/>"
                    "<gd:extendedProperty name='blogger.itemClass' value='pid-1'/>"
                    "<gd:extendedProperty name='blogger.displayTime' "
                    f"value='{c_gmt}'/></entry>\n")
        out.write("</feed>\n")


WRITERS = {"wxr": write_wxr, "disqus": write_disqus, "blogger": write_blogger}


def ensure(fmt: str, size_mb: float, folder: Path) -> Path:
    """The synthetic ``fmt`` export of ``size_mb`` MB in ``folder``, written when absent."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"realistic-{fmt}-{size_mb:g}MB.xml"
    if not path.exists():
        partial = path.with_suffix(".partial")
        WRITERS[fmt](partial, int(size_mb * 1_000_000))
        partial.replace(path)
    return path
