"""Tests for furniture removal, HTML extraction and date normalisation."""

from __future__ import annotations

import pytest

from index.cleaning import clean_text, html_to_article, normalize_date


def test_normalises_whitespace_and_keeps_paragraphs() -> None:
    text = "First  paragraph\u00a0here.\r\n\r\n\r\nSecond\tone.\rThird one."
    assert clean_text(text) == "First paragraph here.\n\nSecond one.\n\nThird one."


def test_joins_hard_wrapped_lines() -> None:
    assert (
        clean_text("The minister said the plan\nwould go ahead.")
        == "The minister said the plan would go ahead."
    )


def test_drops_caption_with_its_title_line() -> None:
    text = (
        "Reporting before.\n\n"
        "Trump board Air Force One in Georgia\n"
        "This file photo shows the president boarding. MANDEL NGAN/AFP via Getty Images/Getty\n\n"
        "Reporting after."
    )
    assert clean_text(text) == "Reporting before.\n\nReporting after."


def test_keeps_a_subheading_that_is_not_above_a_caption() -> None:
    text = "Tensions\nWarming relations declined in May 2018.\n\nA road collapsed. Jane Doe/AP"
    assert clean_text(text) == "Tensions\n\nWarming relations declined in May 2018."


@pytest.mark.parametrize(
    "line",
    [
        "Sign up for CNN’s Wonder Theory science newsletter. Explore the universe with news.",
        "(You can get “5 Things You Need to Know Today” delivered to your inbox daily. Sign up here.)",
        "Read more: Artemis I by the numbers",
        "More:Federal regulators deal huge blow to the coal industry",
        "Bye-bye IE:Microsoft to say goodbye to IE, retiring its Internet Explorer web browser on Windows 10",
        "Fact check:'Megabats' exist, and they're, well, mega",
        "CHEAP TICKETS, TINY AIRPORTS, AND NO TSA PRECHECK:What it's like to fly new budget airline Avelo",
        "Tonga is home to 170 islands:A new one just formed from an underwater volcanic eruption",
        "Video Ad Feedback 02:08 - Source: CNN Watch Ketanji Brown Jackson become first Black woman on Supreme Court",
        "Follow Jordan Mendoza on Twitter: @jordan_mendoza5.",
        "Contact Vince Ellis at vellis@freepress.com. Follow him on Twitter @vincent_ellis56.",
        "Natalie Alund covers trending news for USA TODAY. Reach her at nalund@usatoday.com.",
        "Subscribe to azcentral.com today.",
        "To read how Newsweek uses AI as a newsroom tool, Click here.",
        "Sarah Silbiger/Pool/Getty Images",
        "Lady Louise Windsor during Trooping The Colour. (Photo by Chris Jackson/Getty Images)",
        "Getty Images",
        "Close",
        "Advertisement",
        "About the writer",
        "David Brennan is Newsweek's Diplomatic Correspondent covering world politics ... Read more",
        "Purchases you make through our links may earn us a commission.",
        "___",
        # CNN's video player and photo galleries (the caption is another picture's, not this story's reporting)
        "JUST WATCHED Dana Bash reacts to McCarthy's vow Replay More Videos ... MUST WATCH Dana Bash reacts 01:29",
        "Photos: Russia invades Ukraine Young people swing in front of destroyed buildings in Borodyanka, Ukraine, on "
        "June 15. Hide Caption 2 of 226",
        "Photos: Britain's Prince Andrew Prince Andrew is seen in August 2017. Hide Caption 1 of 28 Photos: Britain's "
        "Prince Andrew Prince Andrew was born February 19, 1960. Hide Caption 2 of 28",
        "Photos: England wins Euro 2022 over Germany",
        # credits, sponsors, section furniture
        "Contributing: Brian Truitt, Rasha Ali, Charles Trepany",
        "From USA TODAY Network and wire reports",
        "Follow every game: Live MLB Scores",
        "Here's what you need to know to Get Up to Speed and On with Your Day.",
        "24/7 Wall Street is a USA TODAY content partner offering financial news and commentary. Its content is "
        "produced independently of USA TODAY.",
        "🌤 What's the weather up to in your neck of the woods? Check your local forecast here.",
        "Our fact-check work is supported in part by a grant from Facebook.",
        "Health and patient safety coverage at USA TODAY is made possible in part by a grant from the Masimo "
        "Foundation for Ethics, Innovation and Competition in Healthcare. The Masimo Foundation does not provide "
        "editorial input.",
        "The product experts at Reviewed have all your shopping needs covered. Follow Reviewed on Facebook, Twitter, "
        "Instagram, TikTok or Flipboard for the latest deals, product reviews and more.",
        "What everyone's talking about",
        "📸 Photos: Trump's Mar-a-Lago estate searched by FBI.",
    ],
)
def test_drops_furniture_lines(line: str) -> None:
    assert clean_text(f"Real reporting sentence.\n\n{line}") == "Real reporting sentence."


@pytest.mark.parametrize(
    "line",
    [
        "Netflix said it lost 200,000 subscribers in the quarter, its first drop in a decade.",
        "The agency told AFP that talks would resume on Monday.",
        "Reuters reported that the company would sign up new customers for free next year.",
        "Go to the state traveler site at az511.gov, call 511 or follow ADOT on Twitter @ArizonaDOT.",
        "YouTube launched an ad-free tier for families.",
        "Apple is committed to privacy, Cook said.",
        "More than 100 people were injured.",
        "The council will vote on the cover of the stadium next week.",
        "12:43 a.m.: Trump retweets a post suggesting that Republican legislators should go to the wall",
        "Note: The vote was delayed until Thursday",
        "The score at halftime was 21:14 in favour of the visitors",
        "He wrote:It was the best of times, it was the worst of times.",
        "The photos show Prince Andrew in August 2017, his spokesman said.",
        "He just watched the replay of the match on Sunday.",
        "The study was supported in part by a grant from the National Institutes of Health, the authors said.",
        "Forecasters said the storm would get up to speed as it crossed the Gulf.",
        "The council's content moderation rules drew complaints from contributing editors.",
    ],
)
def test_keeps_reporting_that_looks_a_bit_like_furniture(line: str) -> None:
    assert clean_text(line) == line


def test_cuts_only_the_promo_tail_of_a_long_paragraph() -> None:
    text = (
        "The Agency of Human Services will host a webinar on Monday, July 20, to explain the grant "
        "application process, eligibility requirements and the documents providers should submit. "
        "Sign up here to receive an email when the application opens."
    )
    assert clean_text(text) == text.rsplit(" Sign up", 1)[0]


def test_an_embedded_post_keeps_its_words_and_author_but_not_its_links() -> None:
    post = (
        "Tsunami advisories remain in effect for the West Coast. For the latest, see https://t.co/QoZe9fEjyD "
        "pic.twitter.com/SXJ8pvxY7o — National Weather Service (@NWS) January 15, 2022"
    )
    assert clean_text(post + "\n\npic.twitter.com/abc123") == (
        "Tsunami advisories remain in effect for the West Coast. For the latest, see — National Weather Service "
        "(@NWS) January 15, 2022"
    )
    assert clean_text("Read the t.co guide.") == "Read the t.co guide."  # a domain named in passing stays


def test_drops_subscription_perk_list() -> None:
    text = (
        "Reporting.\n\nNewsweek cover\n  • Newsweek magazine delivered to your door\n"
        "  • Newsweek Voices: Diverse audio opinions\n  • Enjoy ad-free browsing on Newsweek.com\n"
        "  • Comment on articles\n  • Newsweek app updates on-the-go"
    )
    assert clean_text(text) == "Reporting."


def test_keeps_a_list_of_facts() -> None:
    text = "Key points:\n• Inflation rose 8%\n• Wages rose 5%\n• Rents rose 7%"
    assert clean_text(text) == "Key points:\n\n• Inflation rose 8%\n\n• Wages rose 5%\n\n• Rents rose 7%"


def test_collapses_repeated_block() -> None:
    assert clean_text("Mission statement.\n\nMission statement.\n\nEnd.") == "Mission statement.\n\nEnd."


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2019-09-24", "2019-09-24"),
        ("2019-09-24T21:30:00Z", "2019-09-24"),
        ("2019-09-24T23:30:00-05:00", "2019-09-24"),
        ("2019-09-24 21:30:00.123+02:00", "2019-09-24"),
        ("September 24, 2019", "2019-09-24"),
        ("Sept. 24, 2019", "2019-09-24"),
        ("Tuesday, September 24, 2019 9:30 p.m. ET", "2019-09-24"),
        ("24 September 2019", "2019-09-24"),
        ("24th of Sep 2019", "2019-09-24"),
        ("Tue, 24 Sep 2019 21:30:00 +0000", "2019-09-24"),
        ("Published 2019/09/24", "2019-09-24"),
        ("09/24/2019", "2019-09-24"),
        ("24/09/2019", "2019-09-24"),
        ("24.09.2019", "2019-09-24"),
        ("20190924", "2019-09-24"),
        ("", ""),
        ("yesterday", ""),
        ("2019-02-30", ""),
        ("Smarch 3, 2019", ""),
    ],
)
def test_normalize_date(value: str, expected: str) -> None:
    assert normalize_date(value) == expected


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


def test_a_page_that_is_only_a_gallery_keeps_its_captions_without_the_furniture() -> None:
    page = (
        "Photos: Russia invades Ukraine Young people swing in front of destroyed buildings in Borodyanka, on June 15. "
        "Hide Caption 1 of 3\n\n"
        "Photos: Russia invades Ukraine A bomb disposal expert looks at a shell near Kharkiv on June 15. Hide Caption "
        "2 of 3 Photos: Russia invades Ukraine Rockets are seen at dawn in Kharkiv. Hide Caption 3 of 3"
    )
    assert clean_text(page) == (
        "Young people swing in front of destroyed buildings in Borodyanka, on June 15.\n\n"
        "A bomb disposal expert looks at a shell near Kharkiv on June 15.\n\n"
        "Rockets are seen at dawn in Kharkiv."
    )
    # Inside a report, the same gallery is furniture.
    assert clean_text("The vlogger filmed the streets of Kyiv.\n\n" + page) == "The vlogger filmed the streets of Kyiv."
