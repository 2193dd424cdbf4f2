-- agent_search.lua - wrk script: the agents' queue page (open tickets by
-- due time) searching 50 rotating terms of the demo data: Japanese and
-- English words, common and rare, a phrase, one-character and no-match
-- terms.  A counter of spaces/punctuation after the term (which does not
-- change the search) makes every request's text new, so the page cache
-- never answers and every request runs the search.
local terms = {
    "障害", "請求", "請求書", "解約", "ログイン", "管理画面", "エラー",
    "至急", "再発行", "紛失", "手続き", "アカウント", "社員", "繋がらない",
    "ネットワーク", "文字化け", "エクスポート", "二段階認証", "機種変更",
    "本番環境", "障", "請", "画", "the", "a", "our", "is", "to", "api",
    "503", "dashboard", "invoice", "october", "export", "json", "urgent",
    "emails", "password", "reset", "expired", "rate", "limits", "nightly",
    "管理画面にログイン", "本番環境が停止", "zzqxnomatch", "存在しない言葉",
    "kubernetes", "請求 october", "障害 api",
}
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

function request()
    counter = counter + 1
    local n = base + counter
    local t = terms[n % #terms + 1]
    local suffix = ""
    local k = math.floor(n / #terms)
    while k > 0 do
        suffix = suffix .. seps[k % #seps + 1]
        k = math.floor(k / #seps)
    end
    return wrk.format("GET", "/agent/?view=open&sort=due&q=" .. enc(t) ..
                      suffix)
end
