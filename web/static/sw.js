// Shows a case's news on the phone (Web Push), and opens the case's page when tapped. The
// page's address holds its key, so the server never sends it: the page left it in this
// browser's cache when it asked for news ("pakn-cases", under the commune and case code).
"use strict";

self.addEventListener("push", function (event) {
  var news = {};
  try { news = event.data ? event.data.json() : {}; } catch (e) { news = {}; }
  event.waitUntil(self.registration.showNotification(news.title || "Hòm thư số", {
    body: news.body || "",
    tag: news.tag,
    data: { page: news.page || "" },
    lang: "vi"
  }));
});

self.addEventListener("notificationclick", function (event) {
  event.notification.close();
  var page = event.notification.data && event.notification.data.page;
  event.waitUntil(
    caches.open("pakn-cases")
      .then(function (cache) { return page ? cache.match("/case/" + page) : undefined; })
      .then(function (hit) { return hit ? hit.text() : "/"; })
      .then(function (path) { return self.clients.openWindow(path); })
  );
});
