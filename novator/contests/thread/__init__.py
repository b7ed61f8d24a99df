"""The thread of an application: messages between the organisers (methodologists) and the applicant's
coordinators — questions during the formal check, replies, notes on a return — with files checked like
every upload. Each message notifies the other side; the page shows the thread together with the
application's workflow events (submitted, returned with the reason, accepted …) as its history."""
