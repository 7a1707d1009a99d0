"""Characters that look like an ASCII letter or digit, and the one they look like.

Generated from the Unicode Consortium's ``confusables.txt`` (UTS #39, as packaged in
``confusable_homoglyphs`` 3.3.1): every character whose NFKC-casefolded form is one
non-ASCII character listed as confusable with an ASCII letter or digit, mapped to
that letter (``i``, ``1`` and ``0`` to ``l``, ``l`` and ``o``; where the data lists two
letters, the lowercase look). ``mlgate.facts.identity`` reads it; nothing else should.
"""

from __future__ import annotations

LOOKALIKES = (
    "\u00d7\u0131\u0185\u018d\u01a8\u01bd\u01c0\u021d\u0223\u0251\u025c\u0261"
    "\u0263\u0269\u026a\u026f\u0280\u028b\u028f\u0292\u029d\u03b1\u03b2\u03b3"
    "\u03b5\u03b6\u03b7\u03b9\u03ba\u03bc\u03bd\u03bf\u03c1\u03c3\u03c4\u03c5"
    "\u03c7\u03dd\u03e9\u03f3\u03fb\u0430\u0431\u0432\u0433\u0435\u0437\u043a"
    "\u043c\u043d\u043e\u0440\u0441\u0442\u0443\u0445\u044c\u0455\u0456\u0458"
    "\u0461\u0475\u04af\u04bb\u04bd\u04cf\u04e1\u0501\u050d\u051b\u051d\u0561"
    "\u0563\u0566\u0570\u0578\u057c\u057d\u057f\u0581\u0584\u0585\u06f1\u06f5"
    "\u06f7\u0966\u09e6\u09ea\u09ed\u0a66\u0a67\u0a6a\u0ae6\u0b03\u0b20\u0b66"
    "\u0b68\u0be6\u0c02\u0c66\u0c82\u0ce6\u0d02\u0d20\u0d66\u0d6d\u0d82\u0e50"
    "\u0ed0\u101d\u1040\u10e7\u10ff\u1200\u12d0\u13a0\u13a1\u13a2\u13a5\u13a9"
    "\u13aa\u13ab\u13ac\u13b1\u13b3\u13b7\u13bb\u13bd\u13c0\u13c2\u13c3\u13ce"
    "\u13cf\u13d2\u13d4\u13d5\u13d9\u13da\u13de\u13df\u13e2\u13e6\u13e7\u13ee"
    "\u13f3\u13f4\u142f\u144c\u146d\u146f\u1472\u148d\u14aa\u14bf\u1541\u157c"
    "\u157d\u1587\u15af\u15b4\u15c5\u15de\u15ea\u15f0\u15f7\u166d\u166e\u16b7"
    "\u16c1\u16d5\u16d6\u1d04\u1d0f\u1d11\u1d1c\u1d20\u1d21\u1d22\u1d26\u1d83"
    "\u1d8c\u1e9d\u1eff\u212e\u2223\u2228\u222a\u22a4\u22c1\u22c3\u22ff\u2373"
    "\u2374\u237a\u23fd\u2502\u2573\u27d9\u292b\u292c\u2a2f\u2c85\u2c8f\u2c93"
    "\u2c95\u2c99\u2c9b\u2c9f\u2ca3\u2ca5\u2ca7\u2ca9\u2cad\u2ccb\u2ccd\u2cd1"
    "\u2cd3\u2d38\u2d39\u2d4f\u2d54\u2d55\u2d5d\u3007\ua4d0\ua4d1\ua4d2\ua4d3"
    "\ua4d4\ua4d6\ua4d7\ua4d9\ua4da\ua4dc\ua4dd\ua4df\ua4e0\ua4e1\ua4e2\ua4e3"
    "\ua4e6\ua4e7\ua4ea\ua4eb\ua4ec\ua4ee\ua4f0\ua4f2\ua4f3\ua4f4\ua645\ua647"
    "\ua6df\ua6ef\ua731\ua75b\ua76b\ua76f\ua799\ua79f\ua7b5\uab32\uab35\uab3d"
    "\uab47\uab48\uab4e\uab52\uab53\uab5a\U00010282\U00010286\U00010287\U0001028a\U00010290\U00010292"
    "\U00010295\U00010296\U00010297\U000102a0\U000102a1\U000102a2\U000102a5\U000102ab\U000102b0\U000102b1\U000102b2\U000102b4"
    "\U000102cf\U000102f5\U00010301\U00010302\U00010309\U00010311\U00010315\U00010317\U0001031a\U00010320\U00010322\U0001042c"
    "\U0001043d\U00010443\U00010448\U000104dc\U000104ea\U000104f6\U000104fa\U00010513\U00010516\U00010518\U0001051c\U0001051d"
    "\U00010525\U00010526\U00010527\U000114d0\U00011706\U0001170a\U0001170e\U0001170f\U000118c0\U000118c1\U000118c2\U000118c3"
    "\U000118c4\U000118c6\U000118c8\U000118c9\U000118ca\U000118cc\U000118ce\U000118cf\U000118d2\U000118d5\U000118d6\U000118d7"
    "\U000118d8\U000118db\U000118dc\U000118e0\U000118e5\U000118e6\U000118e9\U000118ec\U000118ef\U000118f2\U00016f08\U00016f0a"
    "\U00016f16\U00016f28\U00016f35\U00016f3a\U00016f3b\U00016f40\U00016f42\U00016f43\U0001d206\U0001d20d\U0001d212\U0001d213"
    "\U0001d216\U0001d22a\U0001f74c\U0001f768"
)
ASCII = (
    "xlbg2sl38a3gyllwruy3jabyezhlkmvopotuxf2jma6bre3kmhopctyxbslj"
    "wvyhel3dgqwwqqhnnusgfolovoo89o98o8oo9oooooooo9oooooyouodrtly"
    "ajerwmhyghz4brwsvslcpkd6gbvupdbjl2xhxrbfaddmbxxxlkmcoouvwzrg"
    "yfyelvutvuelpallxtxxxrhlkmnopctyx93l6veloqxobpddtgkjczfmnlsr"
    "vhwxyaelou2lv2s239fubeforruuxybeflxopstabcfomtyxhzbclmtx8lxo"
    "clsrou7nokcvflxovwwwvsflzeoz39e4lo9ou5yozwcxwcvtllrs3auy3v7f"
    "rlct"
)
