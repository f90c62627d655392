"""Tests for reading a web page's article text and metadata."""

from __future__ import annotations

from index.html_article import html_to_article

PAGE = """<!doctype html>
<html><head>
<title>Storm hits coast | The Daily Planet</title>
<meta property="og:title" content="Storm hits the coast, thousands without power">
<meta property="og:site_name" content="The Daily Planet">
<meta name="author" content="Lois Lane">
<link rel="canonical" href="https://dailyplanet.example/2022/09/28/storm">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebPage", "name": "x"},
  {"@type": "NewsArticle", "headline": "Storm hits", "datePublished": "2022-09-28T06:15:00-04:00",
   "publisher": {"@type": "Organization", "name": "Daily Planet"}}]}
</script>
<style>.ad { display: none }</style>
<script>window.tracker = "Sign up now";</script>
</head><body>
<header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<div class="ad-slot">Buy now! Great deals on umbrellas.</div>
<main>
 <article class="story">
  <h1>Storm hits the coast</h1>
  <div class="share-buttons"><button>Share</button><a href="#">Tweet</a><span>Share on Facebook</span></div>
  <p>A powerful storm made landfall on <em>Wednesday</em>, leaving thousands of homes without power.</p>
  <figure><img src="x.jpg"><figcaption>Waves crash ashore. Jane Doe/AP</figcaption></figure>
  <p>Officials said crews would work<br>through the night.</p>
  <div class="newsletter-signup"><p>Get our morning briefing in your inbox every day.</p></div>
  <h2>Evacuations</h2>
  <p>About 2,000 residents were moved to shelters, the county said.</p>
  <ul><li><p>Schools are closed.</p></li><li>Bridges are shut.</li></ul>
  <p>Sign up for our weather newsletter to get alerts.</p>
  <section class="related-stories"><p>Related: Last year's storm season</p></section>
  <div id="comments"><p>First comment!</p></div>
 </article>
</main>
<aside><p>Most read: Celebrity news</p></aside>
<footer><p>© 2022 The Daily Planet. All rights reserved.</p></footer>
</body></html>
"""


def test_html_to_article_extracts_text_and_metadata() -> None:
    page = html_to_article(PAGE)
    assert page.title == "Storm hits the coast, thousands without power"
    assert page.source == "The Daily Planet"
    assert page.author == "Lois Lane"
    assert page.published_at == "2022-09-28"
    assert page.url == "https://dailyplanet.example/2022/09/28/storm"
    assert page.text == (
        "A powerful storm made landfall on Wednesday, leaving thousands of homes without power.\n\n"
        "Officials said crews would work through the night.\n\n"
        "Evacuations\n\n"
        "About 2,000 residents were moved to shelters, the county said.\n\n"
        "Schools are closed.\n\n"
        "Bridges are shut."
    )


def test_html_fallbacks_without_article_markup() -> None:
    html = """<html><head><title>Budget passes - Town Crier</title>
    <meta property="og:site_name" content="Town Crier"></head><body>
    <div class="menu"><p>Home</p></div>
    <div class="content"><h1>Budget passes</h1><time datetime="2021-03-04T10:00:00Z">March 4</time>
      <p>The council passed the budget by five votes to two on Thursday evening.</p>
      <p>Property taxes will rise by 2 percent next year, the mayor said.</p></div>
    <div class="social"><p>Follow us on Twitter</p></div></body></html>"""
    page = html_to_article(html)
    assert page.title == "Budget passes"
    assert page.published_at == "2021-03-04"
    assert page.text.startswith("The council passed the budget")
    assert "Property taxes will rise" in page.text
    assert "Follow us" not in page.text and "Home" not in page.text


def test_html_title_falls_back_to_title_tag_without_site_suffix() -> None:
    html = """<html><head><title>Budget passes | Town Crier</title>
    <meta property="og:site_name" content="Town Crier"></head><body><p>Text.</p></body></html>"""
    assert html_to_article(html).title == "Budget passes"


def test_junk_class_on_the_article_wrapper_does_not_remove_the_article() -> None:
    html = '<body><div class="story has-comments"><p>' + "Real reporting. " * 20 + "</p></div></body>"
    assert html_to_article(html).text.startswith("Real reporting.")
