"""Tests for furniture removal."""

from __future__ import annotations

import pytest

from index.cleaning import clean_text


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
