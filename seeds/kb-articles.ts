import type { KbCategory, KbStatus, KbVisibility } from '../src/modules/kb/kb.service';

/** A knowledge-base article as db:seed writes it when the knowledge base is empty. */
export interface SeedArticle {
  title: string;
  category: KbCategory;
  visibility: KbVisibility;
  status: KbStatus;
  body: string;
}

// Guides for the customers of this console (and one for the helpdesk),
// written as they would be published: what to do, in the order to do it.
export const KB_ARTICLES: SeedArticle[] = [
  {
    title: 'I cannot sign in',
    category: 'sign-in',
    visibility: 'public',
    status: 'published',
    body: `Most sign-in problems have one of a few causes. Go through them in this order; each takes a minute.

## Check the address and the password

Sign in with the email address your organization invited you with: if you have more than one address, try the other one. Passwords are case-sensitive, so check that Caps Lock is off (the sign-in page warns you when it is on) and that your keyboard is set to the language you typed the password in.

If you use a password manager, make sure it filled in the password for this site and not for another one with a similar name.

## "Your account is locked"

After several wrong passwords or codes in a row the account is locked for a while to protect it. Wait until the time shown on the page has passed and try again, slowly. See [My account is locked](/kb/my-account-is-locked).

## The two-factor code is refused

Codes change every 30 seconds and each one works once. Check that the time on your phone is set automatically: a phone whose clock is a few minutes off produces codes the server does not accept. If you no longer have the phone, use one of your recovery codes instead.

## Still stuck?

Use [I forgot my password](/kb/i-forgot-my-password) to choose a new password, or ask an administrator of your organization: they can see whether your account is disabled and send you a new invitation.`,
  },
  {
    title: 'I forgot my password',
    category: 'sign-in',
    visibility: 'public',
    status: 'published',
    body: `You can choose a new password yourself, without waiting for anyone.

1. On the sign-in page, choose **Forgot your password?**
2. Enter the email address you sign in with and send the form.
3. Open the email we send you. It starts with your personal anti-phishing phrase: if the phrase is missing or wrong, the email is not from us, so delete it.
4. Follow the link in the email and choose a new password. The link works once and only for a short time; if it has expired, ask for a new one.

For your security we say the same thing whether or not the address has an account, so if no email arrives within a few minutes, check your spam folder and whether you typed the address you were invited with.

## After the reset

Choosing a new password signs you out everywhere else: phones and other browsers have to sign in again with the new password. If you have two-factor authentication turned on, you still need your code (or a recovery code) to sign in.

## Choosing a good password

Use a long passphrase of several unrelated words, or let your password manager generate one. Passwords that appear in known data breaches are refused.`,
  },
  {
    title: 'My account is locked',
    category: 'sign-in',
    visibility: 'public',
    status: 'published',
    body: `An account is locked for a while after several failed sign-in attempts in a row (a wrong password or a wrong two-factor code). This protects you from someone guessing your password.

## What to do

- **Wait.** The lock ends by itself; the sign-in page tells you when. The first lock lasts about fifteen minutes. If the account is locked again without a successful sign-in in between, each lock lasts longer.
- **Do not keep trying** while it is locked: attempts during a lock do not count as sign-ins.
- If you are not sure of your password, [reset it](/kb/i-forgot-my-password) while you wait, so your next attempt is the right one.

## If you did not cause it

If you were not trying to sign in, someone else may have been trying your address. Once you are back in, choose a new password, turn on [two-factor authentication](/kb/set-up-two-factor-authentication), and look at **Account → Security**, which lists your recent sign-ins and the browsers you use.

## Ask for help

An administrator of your organization, or our helpdesk, can unlock your account straight away once they have confirmed it is really you.`,
  },
  {
    title: 'Set up two-factor authentication',
    category: 'two-factor',
    visibility: 'public',
    status: 'published',
    body: `Two-factor authentication asks for a six-digit code from your phone after your password, so a stolen password alone is not enough to get into your account. Some organizations require it for everyone.

## What you need

An authenticator app on your phone, such as Google Authenticator, Microsoft Authenticator, 1Password or Aegis. Any app that supports standard time-based codes (TOTP) works.

## Turning it on

1. Open **Account → Security** and choose **Set up two-factor authentication**.
2. Scan the QR code with your authenticator app. If you cannot scan it, type the setup key shown below it into the app instead.
3. Enter the six-digit code the app now shows, and confirm.
4. You are shown **ten recovery codes**. Save them somewhere safe and separate from your phone: print them, or keep them in your password manager. Each code works once, instead of a code from the app.

## Signing in from now on

After your password, open the app and type the current code. Codes change every 30 seconds. If a code is refused, wait for the next one and check that your phone sets its time automatically.`,
  },
  {
    title: 'I lost my phone: signing in with a recovery code',
    category: 'two-factor',
    visibility: 'public',
    status: 'published',
    body: `If your phone is lost, broken or replaced, you can still sign in with one of the recovery codes you saved when you turned on two-factor authentication.

## Sign in with a recovery code

1. Sign in with your email address and password as usual.
2. When asked for the six-digit code, type one of your recovery codes instead (it looks like \`abcde-12345\`).
3. After signing in you are told how many recovery codes you have left. Each one works only once.

## Then, straight away

- Open **Account → Security** and set up two-factor authentication again with your new phone: the old phone's codes stop working.
- Create **new recovery codes** on the same page; the old ones stop working. Store the new ones safely.
- If the phone was stolen, also [choose a new password](/kb/i-forgot-my-password).

## No recovery codes either?

Ask an administrator of your organization or our helpdesk. After confirming who you are, they can reset two-factor authentication on your account so you can set it up again.`,
  },
  {
    title: 'Install the agent on Windows',
    category: 'installing',
    visibility: 'public',
    status: 'published',
    body: `You need a product key from your organization's license (shown on the **Licenses** page to administrators) and an administrator account on the PC.

## Download

1. Sign in and open **Downloads**. You see the products your organization holds a license for.
2. Download the Windows installer (\`.exe\` or \`.msi\`). Download links work for an hour; reload the page for a new one.
3. Check the file: in PowerShell, run \`Get-FileHash\` followed by the file name and compare the result with the SHA-256 shown beside the download.

## Install

1. Double-click the installer. Windows asks for an administrator's permission: allow it.
2. Follow the steps. When asked, enter the product key exactly as shown, dashes included.
3. When the installation finishes, the agent activates itself and the PC appears on the **Devices** page within a few minutes.

## If activation fails

- "No seats left": every seat of the license is in use. Remove an old device, or [add seats](/kb/add-seats-to-a-license).
- "License expired": the license needs [renewing](/kb/renew-a-license).
- No network: the agent tries again by itself once the PC is online.`,
  },
  {
    title: 'Install the agent on macOS',
    category: 'installing',
    visibility: 'public',
    status: 'published',
    body: `You need your organization's product key and an administrator account on the Mac.

## Download

1. Sign in on the Mac and open **Downloads**.
2. Download the macOS installer package (\`.pkg\`).
3. Check it: in Terminal, run \`shasum -a 256\` followed by the file name and compare the result with the SHA-256 shown beside the download.

## Install

1. Open the package and follow the installer. macOS asks for your administrator password.
2. Enter the product key when asked.
3. macOS asks you to allow the agent's system extension: open **System Settings → Privacy & Security** and choose **Allow**. Without this the Mac shows as *At risk* on the **Devices** page.
4. Also grant **Full Disk Access** to the agent in the same settings, so it can check every file.

## Afterwards

The Mac appears on the **Devices** page within a few minutes. If it shows *At risk*, the page says why, most often a permission that was not granted.`,
  },
  {
    title: 'Install the app on Android',
    category: 'installing',
    visibility: 'public',
    status: 'published',
    body: `Protect an Android phone or tablet with one seat of your organization's license.

## Install

1. On the phone, sign in to this console in the browser and open **Downloads**.
2. Download the Android app (\`.apk\`). Android asks whether to allow installing apps from your browser: allow it for this once.
3. Open the downloaded file and install the app.
4. Open the app and enter the product key your administrator gave you.

## Permissions

The app asks for permission to scan files and to run in the background. Allow both: without them the phone shows as *At risk* on the **Devices** page. On some phones you also need to exclude the app from battery optimisation, or the system stops it overnight.

## Afterwards

The phone appears on the **Devices** page within a few minutes, under your name. If you replace the phone, remove the old one from **Devices** so its seat is free again.`,
  },
  {
    title: 'Install the app on iPhone and iPad',
    category: 'installing',
    visibility: 'public',
    status: 'published',
    body: `Protect an iPhone or iPad with one seat of your organization's license.

## Install

1. Sign in to this console on the device and open **Downloads**, then follow the link for iOS to the app.
2. Install the app and open it.
3. Enter the product key your administrator gave you.
4. Allow notifications when asked, so the app can warn you about unsafe websites and updates.

## Afterwards

The device appears on the **Devices** page within a few minutes. iOS keeps apps from running all the time, so open the app now and then: a device that has not been in touch for a long time shows as *At risk*.

## Moving to a new iPhone

Install the app on the new device with the same product key, then remove the old one from **Devices** to free its seat.`,
  },
  {
    title: 'Renew a license',
    category: 'licenses',
    visibility: 'public',
    status: 'published',
    body: `A license protects your devices until its expiry date. Administrators of your organization receive reminders by email before it runs out.

## Renewing

1. Open **Licenses** and choose the license.
2. Choose **Renew**. You see a quote for the next term with its price per seat, the tax and the total.
3. Confirm the order and pay by card, or choose to pay by invoice if your organization has a billing profile.
4. The new expiry date is shown on the license straight away for card payments, or once the invoice is paid.

## Automatic renewal

Turn on **Auto-renew** on the license to renew it at expiry with your default card. You can turn it off at any time before the expiry date.

## What happens if it expires

After the expiry date the license enters a short grace period in which devices stay protected and you can still renew. After that, devices stop receiving updates and show as *Unprotected* until the license is renewed.`,
  },
  {
    title: 'Add a device',
    category: 'devices',
    visibility: 'public',
    status: 'published',
    body: `Each computer or phone you protect uses one seat of a license. The **Devices** page shows every device of your organization (members see their own).

## Adding a device

Install the agent or app on the device and enter your product key: see the guides for [Windows](/kb/install-the-agent-on-windows), [macOS](/kb/install-the-agent-on-macos), [Android](/kb/install-the-app-on-android) and [iPhone and iPad](/kb/install-the-app-on-iphone-and-ipad). The device appears on **Devices** once it has activated.

## When there are no seats left

Activation fails when every seat is in use. Either remove a device you no longer use (its seat becomes free at once), or [add seats to the license](/kb/add-seats-to-a-license).

## Device states

- **Protected**: up to date and in touch.
- **At risk**: something needs attention, such as a missing permission or an old version; the page says what.
- **Unprotected**: the device has not been in touch for a long time or its license has run out.`,
  },
  {
    title: 'Add seats to a license',
    category: 'licenses',
    visibility: 'public',
    status: 'published',
    body: `When your organization grows, add seats to your license instead of buying a second one. Only administrators can order.

1. Open **Licenses** and choose the license.
2. Choose **Add seats** and enter how many seats to add.
3. The quote shows the price for the rest of the current term only: you pay for the new seats until the license's expiry date, not for a full term.
4. Confirm and pay. The new seats are available straight away for card payments, or once the invoice is paid.

Your product key stays the same, so devices already installed need nothing. New devices can be activated with the same key as soon as the seats are added.

To move to a larger edition instead, choose **Upgrade** on the license page.`,
  },
  {
    title: 'Helpdesk: confirming a caller before unlocking or resetting',
    category: 'sign-in',
    visibility: 'internal',
    status: 'published',
    body: `Before unlocking an account, resetting two-factor authentication or changing anything for a caller, confirm who they are.

1. Find the person with the search on **People** (name, address, or a product key of their organization).
2. Ask for details only the real person knows: their organization's name, the approximate date of their last sign-in, and the name of an administrator of their organization.
3. Never read out a product key, a recovery code or a link to the caller.
4. If in doubt, send them a password reset link instead: it goes to the address on file, not to the caller.

Every action you take is recorded in the audit log with your name.`,
  },
];
