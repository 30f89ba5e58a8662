// The patient's page: sign in with the wallet (EIP-1193 window.ethereum, EIP-4361 message signed
// with personal_sign), read the consents and disclosures from the FHIR API, and revoke a consent
// with a transaction the wallet signs and sends. The token lives in this page only.
(function () {
  "use strict";
  var token = null;
  var account = null;
  var PURPOSES = {
    TREAT: "treatment", ETREAT: "emergency treatment", HPAYMT: "payment",
    HOPERAT: "operations", HRESCH: "research", PUBHLTH: "public health"
  };
  var $ = function (id) { return document.getElementById(id); };

  function say(text, error) {
    $("status").textContent = text;
    $("status").className = error ? "error" : "";
  }

  function hex(text) {
    var bytes = new TextEncoder().encode(text), out = "0x";
    for (var i = 0; i < bytes.length; i++) { out += bytes[i].toString(16).padStart(2, "0"); }
    return out;
  }

  async function api(path, body) {
    var options = { headers: { "Accept": "application/json" } };
    if (token) { options.headers.Authorization = "Bearer " + token; }
    if (body !== undefined) {
      options.method = "POST";
      options.headers["Content-Type"] = "application/json";
      options.body = JSON.stringify(body);
    }
    var response = await fetch(path, options);
    var doc = await response.json();
    if (!response.ok) {
      var why = doc.error_description || (doc.issue && doc.issue[0].diagnostics) || doc.detail;
      throw new Error(why || ("HTTP " + response.status));
    }
    return doc;
  }

  function account_of(reference) {
    var value = reference && reference.identifier ? reference.identifier.value : "";
    var parts = value.split(":");
    return reference && reference.display ? reference.display : parts[parts.length - 1] || value;
  }

  function cell(row, text, cls) {
    var td = document.createElement("td");
    td.textContent = text;
    if (cls) { td.className = cls; }
    row.appendChild(td);
    return td;
  }

  function what(provision) {
    var names = (provision.class || []).map(function (c) { return c.display || c.code; });
    (provision.data || []).forEach(function (d) { names.push("record " + d.reference.identifier.value.slice(0, 10) + "…"); });
    var actions = (provision.action || []).map(function (a) { return a.coding[0].code; });
    return (names.length ? names.join(", ") : "all my data") + " (" + actions.join(", ") + ")";
  }

  function renderConsents(bundle) {
    var body = $("consents").querySelector("tbody");
    body.innerHTML = "";
    (bundle.entry || []).forEach(function (entry) {
      var c = entry.resource, p = c.provision, row = document.createElement("tr");
      row.id = c.id;
      var kind = p.type === "deny" ? "deny: " : "";
      cell(row, kind + what(p));
      cell(row, p.actor.map(function (a) { return account_of(a.reference); }).join(", "));
      cell(row, (p.purpose || []).map(function (x) { return PURPOSES[x.code] || x.code; }).join(", "));
      cell(row, p.period && p.period.end ? p.period.end.slice(0, 10) : "until revoked");
      cell(row, c.status === "active" ? "in force" : "ended", c.status);
      var actions = cell(row, "");
      if (c.status === "active") {
        var button = document.createElement("button");
        button.className = "revoke";
        button.textContent = "Revoke";
        button.addEventListener("click", function () { revoke(c.id, button); });
        actions.appendChild(button);
      }
      body.appendChild(row);
    });
  }

  function renderDisclosures(bundle) {
    var body = $("disclosures").querySelector("tbody");
    body.innerHTML = "";
    (bundle.entry || []).forEach(function (entry) {
      var e = entry.resource, agent = e.agent[0], row = document.createElement("tr");
      cell(row, e.recorded.replace("T", " ").slice(0, 16));
      cell(row, (e.subtype && e.subtype[0].display) || e.type.display || e.type.code);
      cell(row, account_of(agent.who));
      var purpose = agent.purposeOfUse ? agent.purposeOfUse[0].coding[0].code : "";
      cell(row, PURPOSES[purpose] || purpose);
      body.appendChild(row);
    });
  }

  async function load() {
    var patient = encodeURIComponent(account);
    renderConsents(await api("/fhir/Consent?patient=" + patient));
    renderDisclosures(await api("/fhir/AuditEvent?patient=" + patient));
  }

  async function signIn() {
    if (!window.ethereum) {
      say("No wallet found in this browser: install an Ethereum wallet to sign in.", true);
      return;
    }
    try {
      say("Waiting for your wallet…");
      var accounts = await window.ethereum.request({ method: "eth_requestAccounts" });
      account = accounts[0];
      var challenge = await api("/auth/challenge", { address: account });
      var signature = await window.ethereum.request({
        method: "personal_sign", params: [hex(challenge.message), account]
      });
      var session = await api("/auth/verify", { message: challenge.message, signature: signature });
      token = session.access_token;
      account = session.account;
      $("who").textContent = account;
      $("signin").hidden = true;
      $("account").hidden = false;
      await load();
      say("Signed in.");
    } catch (error) {
      say("Sign-in failed: " + error.message, true);
    }
  }

  async function waitForReceipt(hash) {
    for (var i = 0; i < 120; i++) {
      var receipt = await window.ethereum.request({ method: "eth_getTransactionReceipt", params: [hash] });
      if (receipt) { return receipt; }
      await new Promise(function (done) { setTimeout(done, 500); });
    }
    throw new Error("the transaction " + hash + " is not mined yet");
  }

  async function revoke(id, button) {
    button.disabled = true;
    try {
      var tx = await api("/patient/revoke-transaction", { consent: id });
      say("Confirm the revocation in your wallet…");
      var hash = await window.ethereum.request({
        method: "eth_sendTransaction", params: [{ from: tx.from, to: tx.to, data: tx.data }]
      });
      say("Revocation sent: " + hash + "; waiting for it to be mined…");
      var receipt = await waitForReceipt(hash);
      if (receipt.status !== "0x1") { throw new Error("the revocation failed on-chain (" + hash + ")"); }
      say("Revoked in block " + parseInt(receipt.blockNumber, 16) + ". The list shows it once the index has caught up: press Refresh.");
    } catch (error) {
      button.disabled = false;
      say("Revocation failed: " + error.message, true);
    }
  }

  $("sign-in").addEventListener("click", signIn);
  $("refresh").addEventListener("click", function () {
    load().then(function () { say("Up to date."); }, function (error) { say(error.message, true); });
  });
})();
