// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // A page shown after filing clears the draft its form kept.
  var filed = document.body.getAttribute("data-clear-draft");
  if (filed) {
    try { window.localStorage.removeItem("pakn-draft:" + filed); } catch (e) { /* private mode */ }
  }

  var form = document.querySelector("form.case-form");
  if (!form) { return; }

  // What the resident types is kept in the browser until the case is filed: a failed
  // connection or a closed tab loses nothing.
  var key = "pakn-draft:" + window.location.pathname;
  var kept = ["text", "place", "name", "phone"];
  var saved = null;
  try { saved = JSON.parse(window.localStorage.getItem(key) || "null"); } catch (e) { saved = null; }
  if (saved) {
    kept.forEach(function (name) {
      var field = form.elements[name];
      if (field && !field.value && saved[name]) { field.value = saved[name]; }
    });
  }
  form.addEventListener("input", function () {
    var draft = {};
    kept.forEach(function (name) {
      var field = form.elements[name];
      if (field) { draft[name] = field.value; }
    });
    try { window.localStorage.setItem(key, JSON.stringify(draft)); } catch (e) { /* full */ }
  });

  // The phone's position, only when the resident asks for it.
  var locate = document.getElementById("locate");
  var status = document.getElementById("locate-status");
  if (locate && status && navigator.geolocation) {
    locate.hidden = false;
    locate.addEventListener("click", function () {
      status.textContent = locate.getAttribute("data-wait");
      navigator.geolocation.getCurrentPosition(
        function (position) {
          form.elements.lat.value = position.coords.latitude.toFixed(6);
          form.elements.lon.value = position.coords.longitude.toFixed(6);
          status.textContent = locate.getAttribute("data-done");
        },
        function () { status.textContent = locate.getAttribute("data-failed"); },
        { enableHighAccuracy: true, timeout: 20000, maximumAge: 60000 }
      );
    });
  }
})();

// "Nhận thông báo": the case's news as a notification on this phone (Web Push). Shown only
// where the browser can do it; the page works the same without it.
(function () {
  "use strict";
  var box = document.getElementById("thong-bao");
  if (!box || !("serviceWorker" in navigator) || !("PushManager" in window) ||
      !("Notification" in window) || !("caches" in window)) { return; }
  var button = box.querySelector("button");
  var status = box.querySelector(".status");
  box.hidden = false;
  button.addEventListener("click", function () {
    status.textContent = button.getAttribute("data-wait");
    Notification.requestPermission().then(function (permission) {
      if (permission !== "granted") { throw new Error(permission); }
      return navigator.serviceWorker.register("/sw.js");
    }).then(function () {
      return navigator.serviceWorker.ready;
    }).then(function (registration) {
      return registration.pushManager.getSubscription().then(function (existing) {
        return existing || registration.pushManager.subscribe({
          userVisibleOnly: true,
          applicationServerKey: box.getAttribute("data-key")
        });
      });
    }).then(function (subscription) {
      var keys = subscription.toJSON().keys || {};
      var form = new URLSearchParams();
      form.set("csrf", box.getAttribute("data-csrf"));
      form.set("endpoint", subscription.endpoint);
      form.set("p256dh", keys.p256dh || "");
      form.set("auth", keys.auth || "");
      // the page's address stays in this browser: the notification opens it when tapped
      return caches.open("pakn-cases").then(function (cache) {
        return cache.put("/case/" + box.getAttribute("data-page"),
                         new Response(window.location.pathname));
      }).then(function () {
        return fetch(box.getAttribute("data-action"),
                     { method: "POST", body: form, credentials: "same-origin" });
      });
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      status.textContent = button.getAttribute("data-done");
    }).catch(function () {
      status.textContent = button.getAttribute("data-failed");
    });
  });
})();

// Keeping the case's link: the phone's share sheet (Zalo, messages…) or the clipboard.
(function () {
  "use strict";
  var keep = document.querySelector(".keep");
  if (!keep) { return; }
  var link = keep.getAttribute("data-link");
  var status = keep.querySelector(".status");
  var share = keep.querySelector("[data-share]");
  var copy = keep.querySelector("[data-copy]");
  if (navigator.share) {
    share.hidden = false;
    share.addEventListener("click", function () {
      navigator.share({ title: keep.getAttribute("data-text"), text: keep.getAttribute("data-text"), url: link })
        .catch(function () { /* the resident closed the sheet */ });
    });
  }
  if (navigator.clipboard && window.isSecureContext) {
    copy.hidden = false;
    copy.addEventListener("click", function () {
      navigator.clipboard.writeText(link).then(function () {
        status.textContent = copy.getAttribute("data-done");
      }).catch(function () { /* not allowed: the link is on the page to copy by hand */ });
    });
  }
  keep.hidden = share.hidden && copy.hidden;
})();
