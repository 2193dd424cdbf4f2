-- search_distinct.lua - wrk script: every request is a FAQ search whose
-- query text was not asked before in the run, so the result cache never
-- answers it and the uncached cost shows.  Queries are two words of the
-- generated corpus (Japanese or English, both matching hundreds of
-- texts), joined by a separator that does not change the search but
-- makes the text new; each wrk thread counts through its own range.
local ja = {"請求書", "解約", "障害", "パスワード", "設定", "通知",
            "契約", "容量", "招待", "権限", "画面", "言語"}
local en = {"invoice", "cancellation", "outage", "password", "settings",
            "notification", "contract", "quota", "invite", "role",
            "screen", "language"}
local seps = {"+", "%2C", "%2F", "%3B", "%3A", "-", "%21", "%3F"}
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

request = function()
    local n = base + counter
    counter = counter + 1
    local words = (n % 2 == 0) and ja or en
    local k = math.floor(n / 2)
    local a = words[k % 12 + 1]
    local b = words[math.floor(k / 12) % 12 + 1]
    local sep = ""
    local r = math.floor(k / 144)
    repeat -- the separator string spells r in base 8
        sep = sep .. seps[r % 8 + 1]
        r = math.floor(r / 8)
    until r == 0
    return wrk.format("GET", "/faq/search?q=" .. enc(a) .. "+" .. sep ..
                      "+" .. enc(b))
end
