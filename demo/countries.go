package demo

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
)

// region groups neighbouring countries: endorsements that leave a country
// mostly stay within its region, as real professional networks do.
type region uint8

const (
	regSouthernEurope region = iota
	regWesternEurope
	regNorthernEurope
	regCentralEurope
	regSouthEastEurope
	regNorthAmerica
	regLatinAmerica
	regMiddleEastNorthAfrica
	regSubSaharanAfrica
	regSouthAsia
	regEastAsia
	regSouthEastAsia
	regOceania
	numRegions
)

// city is a real city. name is the GeoNames primary "name" spelling (what the
// Signatory.City field carries, so that it geocodes); local and of are only
// used to write organisation names in the city's own language.
type city struct {
	name   string // GeoNames spelling, e.g. "Munich"
	local  string // name in lang, e.g. "München"
	of     string // grammatical form after "of" when irregular ("do Porto", Polish locative, Greek genitive)
	lang   string // language spoken there (country default unless overridden, e.g. Montréal)
	weight float64
}

type cultureShare struct {
	culture *culture // nil means "the culture of the city's language" (Belgium, Switzerland, Canada)
	weight  float64
}

type country struct {
	code     string // ISO 3166-1 alpha-2
	name     string // English short name, used in English organisation names
	weight   float64
	region   region
	lang     string
	cities   []city
	cityPick picker
	cultures []cultureShare
	culPick  picker
}

// countryDef is the compact, human-editable form of a country.
// cultures: "key=weight;..." where key "local" follows the city's language.
// cities: "GeoNamesName=weight[~Local[/OfForm]][@lang];..." with weights
// roughly proportional to where signatories would live (population and the
// size of the local education / open badges scene).
type countryDef struct {
	code, name string
	weight     float64
	region     region
	lang       string
	cultures   string
	cities     string
}

// Weights are relative: Europe, home of the Declaration, dominates, but every
// continent has a real presence.
var countryDefs = []countryDef{
	// Southern Europe
	{"IT", "Italy", 14, regSouthernEurope, "it", "italian=92;albanian=2;arabic_maghreb=2;romanian=2;latam=1;chinese=1",
		"Rome=28~Roma;Milan=16~Milano;Naples=10~Napoli;Turin=9~Torino;Bologna=10;Florence=6~Firenze;Palermo=6;Genoa=5~Genova;Bari=4;Catania=3;Venice=4~Venezia;Verona=3;Padova=3;Trieste=2;Parma=2;Modena=2;Cagliari=2;Perugia=2;Lecce=1.5"},
	{"ES", "Spain", 8, regSouthernEurope, "es", "spanish=88;latam=6;arabic_maghreb=3;romanian=2;english=1",
		"Madrid=26;Barcelona=18;Valencia=8;Sevilla=7;Zaragoza=5;Málaga=5;Bilbao=4;Murcia=3;Palma=3;Las Palmas de Gran Canaria=3;Valladolid=2;Granada=3;A Coruña=2;Salamanca=2;Santiago de Compostela=2"},
	{"PT", "Portugal", 4, regSouthernEurope, "pt", "portuguese=90;brazilian=6;ukrainian=2;english=1;spanish=1",
		"Lisbon=30~Lisboa;Porto=20~Porto/do Porto;Braga=8;Coimbra=8;Aveiro=5;Faro=4;Funchal=4~Funchal/do Funchal;Setúbal=4;Évora=3"},
	{"GR", "Greece", 2.5, regSouthernEurope, "el", "greek=95;albanian=3;english=1;arabic_east=1",
		"Athens=40~Αθήνα/Αθηνών;Thessaloníki=20~Θεσσαλονίκη/Θεσσαλονίκης;Pátra=8~Πάτρα/Πατρών;Irákleion=8~Ηράκλειο/Ηρακλείου;Lárisa=5~Λάρισα/Λάρισας;Vólos=4~Βόλος/Βόλου;Ioánnina=5~Ιωάννινα/Ιωαννίνων"},
	{"MT", "Malta", 0.3, regSouthernEurope, "en", "maltese=88;english=6;italian=4;filipino=2",
		"Valletta=25;Birkirkara=20;Sliema=20;Mosta=15;Qormi=10"},
	{"CY", "Cyprus", 0.2, regSouthernEurope, "el", "greek=92;english=5;arabic_east=3",
		"Nicosia=45~Λευκωσία/Λευκωσίας;Limassol=35~Λεμεσός/Λεμεσού;Larnaca=20~Λάρνακα/Λάρνακας"},

	// Western Europe
	{"FR", "France", 11, regWesternEurope, "fr", "french=82;arabic_maghreb=9;francophone_africa=4;portuguese=2;spanish=1;vietnamese=1;italian=1",
		"Paris=30;Marseille=9;Lyon=9;Toulouse=7;Nice=4;Nantes=5;Strasbourg=4;Montpellier=4;Bordeaux=5;Lille=5;Rennes=4;Grenoble=3;Dijon=2;Angers=2;Clermont-Ferrand=2"},
	{"DE", "Germany", 6, regWesternEurope, "de", "german=85;turkish=6;polish=3;italian=2;greek=1;arabic_east=2;ukrainian=1",
		"Berlin=25;Hamburg=12;Munich=11~München;Cologne=8~Köln;Frankfurt am Main=6;Stuttgart=5;Düsseldorf=5;Leipzig=5;Dresden=4;Nuremberg=4~Nürnberg;Bremen=3;Münster=3;Heidelberg=2;Bonn=3;Karlsruhe=2"},
	{"GB", "United Kingdom", 6, regWesternEurope, "en", "english=80;indian=7;irish=3;nigerian=2;polish=2;chinese=2;arabic_east=1;ghanaian=1;italian=1;french=1",
		"London=35;Birmingham=8;Manchester=8;Glasgow=6;Edinburgh=6;Leeds=5;Liverpool=5;Bristol=5;Sheffield=4;Cardiff=4;Belfast=4;Nottingham=3;Leicester=3;Brighton=3;Oxford=2"},
	{"IE", "Ireland", 1.3, regWesternEurope, "en", "irish=60;english=25;polish=5;indian=4;nigerian=2;brazilian=2;lithuanian=2",
		"Dublin=50;Cork=18;Galway=12;Limerick=10;Waterford=6"},
	{"BE", "Belgium", 3.5, regWesternEurope, "fr", "local=87;arabic_maghreb=6;italian=3;turkish=2;francophone_africa=2",
		"Brussels=30~Bruxelles@fr;Antwerpen=14@nl;Gent=10@nl;Liège=9@fr;Charleroi=6@fr;Leuven=7@nl;Namur=5@fr;Brugge=5@nl;Mons=4@fr"},
	{"NL", "Netherlands", 3, regWesternEurope, "nl", "dutch=88;turkish=3;arabic_maghreb=4;indonesian=1;english=2;german=2",
		"Amsterdam=25;Rotterdam=16;The Hague=12~Den Haag;Utrecht=11;Eindhoven=7;Groningen=6;Tilburg=5;Nijmegen=5;Leiden=4;Maastricht=4;Haarlem=4;Arnhem=4"},
	{"LU", "Luxembourg", 0.3, regWesternEurope, "fr", "french=35;german=28;portuguese=22;italian=8;english=4;dutch=3",
		"Luxembourg=65;Esch-sur-Alzette=20;Dudelange=15"},
	{"CH", "Switzerland", 2, regWesternEurope, "de", "local=80;italian=6;portuguese=4;albanian=3;turkish=2;english=2;spanish=1;southslavic=2",
		"Zürich=25;Geneva=15~Genève@fr;Basel=10;Lausanne=10@fr;Bern=10;Winterthur=5;Lugano=5@it"},
	{"AT", "Austria", 1.5, regWesternEurope, "de", "german=85;turkish=4;southslavic=5;hungarian=1;polish=2;romanian=2;arabic_east=1",
		"Vienna=40~Wien;Graz=15;Linz=12;Salzburg=10;Innsbruck=9"},

	// Northern Europe
	{"SE", "Sweden", 1, regNorthernEurope, "sv", "nordic=82;arabic_east=6;finnish=3;english=2;polish=2;southslavic=3;turkish=2",
		"Stockholm=35;Gothenburg=18;Malmö=12;Uppsala=8;Linköping=5;Umeå=5;Lund=6;Örebro=4"},
	{"NO", "Norway", 0.6, regNorthernEurope, "no", "nordic=88;polish=3;arabic_east=2;english=2;east_african=2;filipino=1;indian=1;southslavic=1",
		"Oslo=40;Bergen=18;Trondheim=14;Stavanger=10;Tromsø=6"},
	{"DK", "Denmark", 0.7, regNorthernEurope, "da", "nordic=90;turkish=2;arabic_east=3;english=2;polish=1;german=2",
		"Copenhagen=45;Aarhus=20;Odense=12;Aalborg=10"},
	{"FI", "Finland", 0.9, regNorthernEurope, "fi", "finnish=90;nordic=5;estonian=2;english=1;arabic_east=1;ukrainian=1",
		"Helsinki=35;Espoo=12;Tampere=14;Turku=12;Oulu=10;Jyväskylä=8"},
	{"IS", "Iceland", 0.1, regNorthernEurope, "is", "nordic=95;polish=5",
		"Reykjavík=70;Kópavogur=15;Akureyri=15"},
	{"EE", "Estonia", 0.3, regNorthernEurope, "et", "estonian=88;ukrainian=6;finnish=4;english=2",
		"Tallinn=60;Tartu=25;Narva=7;Pärnu=8"},
	{"LV", "Latvia", 0.2, regNorthernEurope, "lv", "latvian=90;ukrainian=6;lithuanian=2;english=2",
		"Riga=70;Daugavpils=12;Liepāja=10;Jelgava=8"},
	{"LT", "Lithuania", 0.3, regNorthernEurope, "lt", "lithuanian=93;polish=4;ukrainian=2;english=1",
		"Vilnius=50;Kaunas=30;Klaipėda=12;Šiauliai=8"},

	// Central Europe
	{"PL", "Poland", 2.5, regCentralEurope, "pl", "polish=95;ukrainian=4;english=1",
		"Warsaw=25~Warszawa/Warszawie;Kraków=14~Kraków/Krakowie;Łódź=8~Łódź/Łodzi;Wrocław=10~Wrocław/Wrocławiu;Poznań=9~Poznań/Poznaniu;Gdańsk=8~Gdańsk/Gdańsku;Szczecin=5~Szczecin/Szczecinie;Lublin=6~Lublin/Lublinie;Katowice=5~Katowice/Katowicach;Białystok=4~Białystok/Białymstoku"},
	{"CZ", "Czechia", 0.8, regCentralEurope, "cs", "czech=95;ukrainian=2;vietnamese=2;english=1",
		"Prague=40;Brno=18;Ostrava=10;Olomouc=7;Liberec=5;České Budějovice=5;Hradec Králové=5"},
	{"SK", "Slovakia", 0.3, regCentralEurope, "sk", "czech=90;hungarian=9;english=1",
		"Bratislava=45;Košice=25;Žilina=10;Nitra=10;Prešov=10"},
	{"HU", "Hungary", 0.6, regCentralEurope, "hu", "hungarian=97;english=1;romanian=1;german=1",
		"Budapest=55;Debrecen=12;Szeged=12;Pécs=10;Győr=8;Miskolc=8"},
	{"SI", "Slovenia", 0.3, regCentralEurope, "sl", "southslavic=92;italian=2;german=2;english=2;hungarian=2",
		"Ljubljana=55;Maribor=25;Celje=10;Kranj=10"},
	{"RO", "Romania", 1.2, regCentralEurope, "ro", "romanian=96;hungarian=3;english=1",
		"Bucharest=40;Cluj-Napoca=18;Iaşi=12;Timişoara=12;Braşov=8;Constanţa=7;Sibiu=6;Oradea=5"},
	{"UA", "Ukraine", 0.7, regCentralEurope, "uk", "ukrainian=95;polish=2;english=1;arabic_east=1;hungarian=1",
		"Kyiv=40;Lviv=20;Kharkiv=15;Odesa=15;Dnipro=10"},

	// South-Eastern Europe
	{"HR", "Croatia", 0.4, regSouthEastEurope, "hr", "southslavic=95;italian=2;hungarian=1;english=2",
		"Zagreb=50;Split=20;Rijeka=15;Osijek=10;Zadar=8"},
	{"RS", "Serbia", 0.3, regSouthEastEurope, "sr", "southslavic=95;hungarian=3;english=2",
		"Belgrade=55;Novi Sad=25;Niš=12;Kragujevac=8"},
	{"BG", "Bulgaria", 0.4, regSouthEastEurope, "bg", "bulgarian=94;turkish=4;english=2",
		"Sofia=50;Plovdiv=20;Varna=15;Burgas=10"},
	{"XK", "Kosovo", 0.2, regSouthEastEurope, "sq", "albanian=95;southslavic=3;turkish=2",
		"Pristina=50;Prizren=25;Ferizaj=13;Gjilan=12"},
	{"AL", "Albania", 0.2, regSouthEastEurope, "sq", "albanian=98;greek=2",
		"Tirana=55;Durrës=15;Vlorë=12;Shkodër=10;Elbasan=8"},
	{"MK", "North Macedonia", 0.15, regSouthEastEurope, "mk", "macedonian=70;albanian=25;turkish=3;english=2",
		"Skopje=60;Bitola=15;Ohrid=10;Kumanovo=10;Tetovo=5"},
	{"TR", "Türkiye", 0.8, regSouthEastEurope, "tr", "turkish=97;arabic_east=2;english=1",
		"Istanbul=45;Ankara=20;İzmir=15;Bursa=6;Antalya=5;Eskişehir=5;Konya=4"},

	// North America
	{"US", "United States", 6, regNorthAmerica, "en", "english=72;latam=11;chinese=3;indian=4;korean=1;nigerian=2;vietnamese=1;italian=1;irish=2;german=1;polish=1;filipino=1",
		"New York City=20;Los Angeles=10;Chicago=10;Boston=10;San Francisco=8;Seattle=6;Austin=5;San Diego=5;Philadelphia=5;Denver=4;Atlanta=4;Portland=4;Minneapolis=4;Pittsburgh=3"},
	{"CA", "Canada", 2.5, regNorthAmerica, "en", "local=80;chinese=5;indian=6;filipino=2;arabic_east=2;italian=2;ukrainian=1;portuguese=1;francophone_africa=1",
		"Toronto=28;Montréal=22@fr;Vancouver=15;Calgary=8;Ottawa=9;Edmonton=7;Québec=6@fr;Winnipeg=5;Halifax=4;Victoria=3"},

	// Latin America
	{"MX", "Mexico", 1.2, regLatinAmerica, "es", "latam=97;english=2;spanish=1",
		"Mexico City=40~Ciudad de México;Guadalajara=15;Monterrey=13;Puebla=8;Mérida=6;Oaxaca=5;Tijuana=6"},
	{"BR", "Brazil", 2.5, regLatinAmerica, "pt", "brazilian=94;italian=2;german=1;japanese=2;arabic_east=1",
		"São Paulo=25;Rio de Janeiro=15~Rio de Janeiro/do Rio de Janeiro;Belo Horizonte=8;Brasília=8;Salvador=6;Curitiba=7;Porto Alegre=7;Recife=6~Recife/do Recife;Fortaleza=5;Florianópolis=5;Campinas=4;Manaus=3;Belém=3;Goiânia=3"},
	{"AR", "Argentina", 1, regLatinAmerica, "es", "latam=85;italian=8;spanish=4;german=1;arabic_east=1;english=1",
		"Buenos Aires=45;Córdoba=15;Rosario=12;Mendoza=8;La Plata=8;Mar del Plata=6;San Miguel de Tucumán=6"},
	{"CL", "Chile", 0.7, regLatinAmerica, "es", "latam=94;spanish=3;german=2;arabic_east=1",
		"Santiago=55;Valparaíso=12;Concepción=12;Antofagasta=6;Temuco=7;La Serena=8"},
	{"CO", "Colombia", 0.8, regLatinAmerica, "es", "latam=97;spanish=2;english=1",
		"Bogotá=40;Medellín=22;Cali=15;Barranquilla=10;Cartagena=7;Bucaramanga=6"},
	{"PE", "Peru", 0.4, regLatinAmerica, "es", "latam=94;spanish=2;japanese=2;chinese=2",
		"Lima=65;Arequipa=12;Cusco=10;Trujillo=8;Piura=5"},
	{"UY", "Uruguay", 0.2, regLatinAmerica, "es", "latam=88;italian=6;spanish=4;brazilian=2",
		"Montevideo=75;Salto=10;Paysandú=8;Maldonado=7"},
	{"EC", "Ecuador", 0.2, regLatinAmerica, "es", "latam=98;spanish=2",
		"Quito=45;Guayaquil=40;Cuenca=15"},

	// Middle East and North Africa
	{"MA", "Morocco", 0.6, regMiddleEastNorthAfrica, "fr", "arabic_maghreb=95;french=4;spanish=1",
		"Casablanca=30;Rabat=25;Marrakesh=15~Marrakech;Fès=12;Tangier=10~Tanger;Agadir=8;Oujda=5"},
	{"TN", "Tunisia", 0.4, regMiddleEastNorthAfrica, "fr", "arabic_maghreb=96;french=3;italian=1",
		"Tunis=55;Sfax=20;Sousse=15;Bizerte=10"},
	{"DZ", "Algeria", 0.2, regMiddleEastNorthAfrica, "fr", "arabic_maghreb=97;french=3",
		"Algiers=50~Alger;Oran=25;Constantine=15;Annaba=10"},
	{"EG", "Egypt", 0.3, regMiddleEastNorthAfrica, "en", "arabic_east=97;english=3",
		"Cairo=55;Alexandria=25;Giza=15;Port Said=5"},
	{"LB", "Lebanon", 0.2, regMiddleEastNorthAfrica, "fr", "arabic_east=100",
		"Beirut=70~Beyrouth;Tripoli=15;Sidon=10~Saïda;Tyre=5~Tyr"},
	{"IL", "Israel", 0.2, regMiddleEastNorthAfrica, "en", "hebrew=80;arabic_east=15;ukrainian=3;english=2",
		"Tel Aviv=45;Jerusalem=30;Haifa=25"},
	{"JO", "Jordan", 0.1, regMiddleEastNorthAfrica, "en", "arabic_east=100",
		"Amman=80;Irbid=15;Aqaba=5"},
	{"AE", "United Arab Emirates", 0.1, regMiddleEastNorthAfrica, "en", "arabic_east=45;indian=30;filipino=10;english=10;chinese=5",
		"Dubai=55;Abu Dhabi=35;Sharjah=10"},

	// Sub-Saharan Africa
	{"SN", "Senegal", 0.35, regSubSaharanAfrica, "fr", "francophone_africa=95;french=3;arabic_maghreb=2",
		"Dakar=65;Saint-Louis=12;Kaolack=12;Ziguinchor=11"},
	{"CI", "Côte d'Ivoire", 0.3, regSubSaharanAfrica, "fr", "francophone_africa=95;french=3;arabic_east=2",
		"Abidjan=70;Yamoussoukro=10;Bouaké=12;Daloa=8"},
	{"CM", "Cameroon", 0.2, regSubSaharanAfrica, "fr", "francophone_africa=90;nigerian=5;french=5",
		"Yaoundé=40;Douala=40;Bamenda=12@en;Bafoussam=8"},
	{"NG", "Nigeria", 0.6, regSubSaharanAfrica, "en", "nigerian=98;english=2",
		"Lagos=40;Abuja=25;Ibadan=12;Port Harcourt=10;Enugu=8;Kano=5"},
	{"GH", "Ghana", 0.3, regSubSaharanAfrica, "en", "ghanaian=95;nigerian=3;english=2",
		"Accra=55;Kumasi=25;Tamale=10;Cape Coast=10"},
	{"KE", "Kenya", 0.5, regSubSaharanAfrica, "en", "east_african=94;indian=4;english=2",
		"Nairobi=60;Mombasa=15;Kisumu=12;Nakuru=8;Eldoret=5"},
	{"UG", "Uganda", 0.2, regSubSaharanAfrica, "en", "east_african=96;indian=3;english=1",
		"Kampala=70;Gulu=10;Entebbe=10;Mbarara=10"},
	{"RW", "Rwanda", 0.15, regSubSaharanAfrica, "en", "east_african=95;francophone_africa=3;english=2",
		"Kigali=75;Butare=15;Gisenyi=10"},
	{"TZ", "Tanzania", 0.15, regSubSaharanAfrica, "en", "east_african=96;indian=3;arabic_east=1",
		"Dar es Salaam=55;Dodoma=15;Arusha=20;Mwanza=10"},
	{"ET", "Ethiopia", 0.1, regSubSaharanAfrica, "en", "ethiopian=100",
		"Addis Ababa=80;Bahir Dar=10;Dire Dawa=10"},
	{"ZA", "South Africa", 0.5, regSubSaharanAfrica, "en", "south_african=85;indian=8;english=5;portuguese=2",
		"Johannesburg=30;Cape Town=30;Durban=15;Pretoria=15;Stellenbosch=5;Bloemfontein=5"},

	// Asia
	{"IN", "India", 1.2, regSouthAsia, "en", "indian=100",
		"Mumbai=18;New Delhi=18;Bengaluru=18;Chennai=10;Kolkata=8;Hyderabad=9;Pune=8;Ahmedabad=5;Jaipur=4;Kochi=4"},
	{"JP", "Japan", 0.5, regEastAsia, "en", "japanese=100",
		"Tokyo=45;Osaka=15;Kyoto=10;Yokohama=10;Sapporo=6;Fukuoka=6;Nagoya=8"},
	{"KR", "South Korea", 0.3, regEastAsia, "en", "korean=100",
		"Seoul=60;Busan=15;Incheon=8;Daegu=7;Daejeon=10"},
	// Singapore is a city-state: GeoNames knows a single city there.
	{"SG", "Singapore", 0.3, regSouthEastAsia, "en", "chinese=70;malay=14;indian=12;english=4",
		"Singapore=100"},
	{"ID", "Indonesia", 0.3, regSouthEastAsia, "en", "indonesian=100",
		"Jakarta=45;Surabaya=15;Bandung=15;Yogyakarta=15;Denpasar=10"},
	{"PH", "Philippines", 0.3, regSouthEastAsia, "en", "filipino=97;chinese=2;english=1",
		"Manila=30;Quezon City=30;Cebu City=20;Davao=12;Baguio=8"},
	{"MY", "Malaysia", 0.2, regSouthEastAsia, "en", "malay=60;chinese=25;indian=13;english=2",
		"Kuala Lumpur=60;George Town=15;Johor Bahru=15;Kuching=10"},
	{"VN", "Vietnam", 0.1, regSouthEastAsia, "en", "vietnamese=100",
		"Hanoi=45;Ho Chi Minh City=45;Da Nang=10"},
	{"TH", "Thailand", 0.1, regSouthEastAsia, "en", "thai=100",
		"Bangkok=75;Chiang Mai=20;Khon Kaen=5"},

	// Oceania
	{"AU", "Australia", 1.2, regOceania, "en", "english=78;chinese=6;indian=5;italian=3;greek=2;vietnamese=2;irish=2;filipino=1;arabic_east=1",
		"Sydney=30;Melbourne=30;Brisbane=15;Perth=10;Adelaide=8;Canberra=5;Hobart=3;Darwin=2"},
	{"NZ", "New Zealand", 0.4, regOceania, "en", "english=72;maori=12;chinese=5;indian=5;filipino=2;irish=2;dutch=2",
		"Auckland=45;Wellington=25;Christchurch=18;Dunedin=7;Hamilton=5"},
}

// founders are the countries of the founding Ambassadors, in order: the
// Declaration was launched in Bologna, and its first signers came from all
// over Europe and beyond.
var founders = []string{"IT", "FR", "ES", "GB", "PT", "BE", "NL", "DE", "GR", "FI", "CA", "BR", "US", "IE", "CH", "AT", "PL", "KE", "SN", "AU"}

var (
	countries      []country
	countryPick    picker
	countryByCode  = map[string]int{}
	founderIndexes []int
)

func initCountries() {
	countries = make([]country, len(countryDefs))
	weights := make([]float64, len(countryDefs))
	for i, d := range countryDefs {
		countries[i] = parseCountry(d)
		weights[i] = d.weight
		countryByCode[d.code] = i
	}
	countryPick = newPicker(weights)
	for _, code := range founders {
		founderIndexes = append(founderIndexes, countryByCode[code])
	}
}

func parseCountry(d countryDef) country {
	c := country{code: d.code, name: d.name, weight: d.weight, region: d.region, lang: d.lang}
	var ws []float64
	for _, spec := range strings.Split(d.cities, ";") {
		ct := parseCity(spec, d.lang)
		c.cities = append(c.cities, ct)
		ws = append(ws, ct.weight)
	}
	c.cityPick = newPicker(ws)
	ws = nil
	for _, spec := range strings.Split(d.cultures, ";") {
		key, w, _ := strings.Cut(spec, "=")
		share := cultureShare{weight: mustFloat(w)}
		if key != "local" {
			share.culture = cultureByKey(key)
		}
		c.cultures = append(c.cultures, share)
		ws = append(ws, share.weight)
	}
	c.culPick = newPicker(ws)
	return c
}

// parseCity reads "Name=weight[~Local[/Of]][@lang]".
func parseCity(spec, lang string) city {
	if base, l, ok := strings.Cut(spec, "@"); ok {
		spec, lang = base, l
	}
	name, rest, _ := strings.Cut(spec, "=")
	w, local, _ := strings.Cut(rest, "~")
	local, of, _ := strings.Cut(local, "/")
	if local == "" {
		local = name
	}
	return city{name: name, local: local, of: of, lang: lang, weight: mustFloat(w)}
}

func mustFloat(s string) float64 {
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		panic(fmt.Sprintf("demo: bad weight %q: %v", s, err))
	}
	return f
}

// cultureFor picks the naming culture of a person living in city ct of c.
func (c *country) cultureFor(r *rand.Rand, ct *city) *culture {
	share := c.cultures[c.culPick.pick(r)]
	if share.culture != nil {
		return share.culture
	}
	return cultureForLang(ct.lang)
}
