-- search_distinct.lua - wrk script: every request is a FAQ search whose
-- query text was not asked before in the run, so the result cache never
-- answers it and the uncached cost shows.  WORDS=1 (default): one word of
-- the generated corpus, Japanese or English, as in the cached runs (each
-- matches about 1,700 texts).  WORDS=2: two words; in the generated
-- corpus most pairs share no article, so those also run the any-word
-- fallback (about 6,600 matches).  A separator that does not change the
-- search makes each text new; each wrk thread counts through its own
-- range.
local ja = {"請求書", "解約", "障害", "パスワード", "設定", "通知",
            "契約", "容量", "招待", "権限", "画面", "言語"}
local en = {"invoice", "cancellation", "outage", "password", "settings",
            "notification", "contract", "quota", "invite", "role",
            "screen", "language"}
local seps = {"+", "%2C", "%2F", "%3B", "%3A", "-", "%21", "%3F"}
local two = os.getenv("WORDS") == "2"
local counter = 0
base = 0
local threads = 0

function setup(thread)
    thread:set("base", threads * 1000000)
    threads = threads + 1
end

local function enc(s)
    return (s:gsub("[^%w]", function(c)
        return string.format("%%%02X", string.byte(c))
    end))
end

-- the separator string spells r in base 8
local function noise(r)
    local s = ""
    repeat
        s = s .. seps[r % 8 + 1]
        r = math.floor(r / 8)
    until r == 0
    return s
end

request = function()
    local n = base + counter
    counter = counter + 1
    local words = (n % 2 == 0) and ja or en
    local k = math.floor(n / 2)
    local q
    if two then
        q = enc(words[k % 12 + 1]) .. "+" .. noise(math.floor(k / 144)) ..
            "+" .. enc(words[math.floor(k / 12) % 12 + 1])
    else
        q = enc(words[k % 12 + 1]) .. "+" .. noise(math.floor(k / 12))
    end
    return wrk.format("GET", "/faq/search?q=" .. q)
end
